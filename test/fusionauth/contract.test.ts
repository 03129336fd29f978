// The stand-in holds Porthole to FusionAuth's OpenAPI document: a misspelled field is refused (real
// FusionAuth would silently ignore it), a correct request passes, answers are checked too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadContract } from '../support/fusionauth-api/openapi.js';
import { startFusionAuthApi, SUPER_KEY } from '../support/fusionauth-api/index.js';

test('the contract: misspelled and unknown fields fail, nested ones too; FusionAuth-shaped bodies pass', () => {
  const c = loadContract();
  const id = '11111111-1111-4111-8111-111111111111';
  assert.deepEqual(c.request('POST', '/api/application', { application: { name: 'P', oauthConfiguration: { authorizedRedirectURLs: ['https://idp.ngrok.com/oauth2/callback'], enabledGrants: ['authorization_code'] } } }), []);
  assert.match(c.request('POST', '/api/application', { application: { name: 'P', oauthConfiguration: { authorizedRedirectUrls: ['x'] } } }).join('\n'), /must NOT have additional properties "authorizedRedirectUrls"/);
  assert.match(c.request('PATCH', `/api/tenant/${id}`, { tenant: { issuerUrl: 'x' } }).join('\n'), /"issuerUrl"/);
  assert.deepEqual(c.request('PATCH', `/api/tenant/${id}`, { tenant: { issuer: 'https://a.example' } }), []);
  assert.match(c.request('POST', `/api/user/registration/${id}`, { registration: { applicationID: id } }).join('\n'), /"applicationID"/);
  assert.match(c.response('GET', `/api/application/${id}`, 200, { application: { id: 'not-a-uuid' } }).join('\n'), /format "uuid"/);
  assert.match(c.request('GET', '/api/nonsense', undefined).join('\n'), /not in FusionAuth's OpenAPI document/);
});

test('the stand-in answers a misspelled field with 400 and records the violation', async () => {
  const api = await startFusionAuthApi();
  try {
    const res = await fetch(`${api.url}/api/application`, {
      method: 'POST', headers: { authorization: SUPER_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ application: { name: 'P', oauthConfiguration: { enabledGrant: ['authorization_code'] } } }),
    });
    assert.equal(res.status, 400);
    const body = await res.json() as { generalErrors: { message: string }[] };
    assert.match(body.generalErrors[0]!.message, /"enabledGrant"/);
    assert.equal(api.violations.length, 1);
    assert.equal(api.applications.size, 0);
  } finally {
    await api.close();
  }
});
