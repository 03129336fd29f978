// The preflight's pure decisions (main/oidc/checks.ts): inputs the real provider can't produce,
// such as FusionAuth's own token-endpoint error shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCredentials, checkGrants, checkIssuerMatch, checkIssuerUrl, checkScopes, discoveryCheck, discoveryUrlFor, isLoopbackHost, redact,
  type DiscoveryFailure,
} from '../../main/oidc/checks.js';

test('issuer-url: https anywhere, http only on loopback, never acme.com', () => {
  const pass = ['https://auth.example.com', 'https://auth.example.com/', 'https://login.example.com:8443', 'http://localhost:9011', 'http://127.0.0.1:9011', 'http://[::1]:9011'];
  for (const u of pass) assert.equal(checkIssuerUrl(u).check.status, 'pass', u);
  const fail: [string, RegExp][] = [
    ['', /empty/],
    ['acme.com', /default tenant issuer/],
    ['auth.example.com', /not an absolute URL/],
    ['http://auth.example.com', /plain http/],
    ['ftp://auth.example.com', /not an https URL/],
    ['https://auth.example.com?tenant=1', /query or fragment/],
    [' https://auth.example.com', /spaces/],
    ['https://user:pw@auth.example.com', /user name or password/],
  ];
  for (const [u, re] of fail) {
    const { check, url } = checkIssuerUrl(u);
    assert.equal(check.status, 'fail', u);
    assert.match(check.message, re, u);
    assert.ok(check.fix, u);
    assert.equal(url, undefined);
  }
  assert.ok(isLoopbackHost('127.9.9.9') && isLoopbackHost('app.localhost') && !isLoopbackHost('127.0.0.1.example.com'));
});

test('discovery URL: a trailing slash is dropped before the well-known path', () => {
  assert.equal(discoveryUrlFor('https://a.example'), 'https://a.example/.well-known/openid-configuration');
  assert.equal(discoveryUrlFor('https://a.example/'), 'https://a.example/.well-known/openid-configuration');
  assert.equal(discoveryUrlFor('https://a.example/tenant/'), 'https://a.example/tenant/.well-known/openid-configuration');
});

test('issuer-match: exact comparison, with acme.com and trailing slashes named', () => {
  assert.equal(checkIssuerMatch('https://a.example', 'https://a.example').status, 'pass');
  assert.match(checkIssuerMatch('https://a.example', 'acme.com').message, /acme\.com.*default/);
  assert.match(checkIssuerMatch('https://a.example/', 'https://a.example').message, /Trailing slash.*with\)/);
  const other = checkIssuerMatch('https://a.example', 'https://b.example');
  assert.equal(other.status, 'fail');
  assert.match(other.fix!, /Tenants > Your Tenant > General > Issuer/);
  assert.equal(checkIssuerMatch('https://A.example', 'https://a.example').status, 'fail', 'not even case-insensitive: ngrok compares strings');
});

test('grants and scopes', () => {
  assert.equal(checkGrants(['authorization_code', 'refresh_token', 'implicit']).status, 'pass');
  assert.match(checkGrants(['refresh_token']).message, /authorization_code/);
  assert.match(checkGrants(['implicit']).message, /authorization_code and refresh_token grants/);
  assert.equal(checkGrants(undefined).status, 'warn');
  const none = { scopes: [], allowEmails: [], allowDomains: [] };
  assert.equal(checkScopes(['openid', 'email'], none).status, 'pass');
  assert.equal(checkScopes(['openid'], none).status, 'warn', 'no email scope and no allow-list: a warning');
  assert.equal(checkScopes(['openid'], { ...none, scopes: ['email'] }).status, 'fail', 'email requested but not offered');
  assert.equal(checkScopes(['email'], none).status, 'fail', 'no openid');
  assert.equal(checkScopes(undefined, none).status, 'warn');
  assert.equal(checkScopes(['openid', 'email'], { ...none, scopes: ['email', 'groups'] }).status, 'warn', 'unknown scope requested');
  assert.equal(checkScopes(['openid', 'email'], { ...none, allowEmails: ['a@b.example'] }).status, 'fail', 'allow-list without the email scope');
});

test('client-credentials: FusionAuth\'s own error shapes', () => {
  const m = 'client_secret_basic';
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_grant', status: 400 }, m).status, 'pass');
  // FusionAuth answers an unknown code with invalid_request + error_reason auth_code_not_found
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_request', reason: 'auth_code_not_found', status: 400 }, m).status, 'pass');
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_client', reason: 'invalid_client_authentication', status: 401 }, m).status, 'fail');
  assert.equal(checkCredentials({ kind: 'error', error: 'whatever', status: 401 }, m).status, 'fail', 'a 401 is a refused client');
  const grant = checkCredentials({ kind: 'error', error: 'unauthorized_client', reason: 'grant_type_disabled', status: 400 }, m);
  assert.equal(grant.status, 'fail');
  assert.match(grant.fix!, /Enabled grants/);
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_request', status: 400, description: 'odd' }, m).status, 'warn');
  assert.equal(checkCredentials({ kind: 'missing', field: 'clientSecret' }, m).status, 'fail');
  assert.equal(checkCredentials({ kind: 'no-method', advertised: ['private_key_jwt'] }, 'none').status, 'fail');
});

test('redact: a secret that slipped into a text is replaced', () => {
  const out = redact([{ id: 'discovery', status: 'fail', message: 'x hunter2-secret y', fix: 'hunter2-secret' }], 'hunter2-secret');
  assert.deepEqual(out, [{ id: 'discovery', status: 'fail', message: 'x [redacted] y', fix: '[redacted]' }]);
});

test('redact: also the encoded forms the secret travels in (form body, Basic header, JSON)', () => {
  const secret = 'a+b/c=d e"f';
  const basic = btoa('my+id:a%2Bb%2Fc%3Dd+e%22f'); // oauth4webapi's form-urlencoding, then base64
  const texts = [
    `client_secret=${new URLSearchParams({ s: secret }).toString().slice(2)}&x=1`,
    `pw ${encodeURIComponent(secret)}`,
    `Authorization: Basic ${basic}`,
    `{"client_secret":${JSON.stringify(secret)}}`,
  ];
  const out = redact(texts.map((message) => ({ id: 'client-credentials' as const, status: 'warn' as const, message })), secret);
  for (const c of out) {
    assert.match(c.message, /\[redacted\]/, c.message);
    assert.ok(!c.message.includes('a+b') && !c.message.includes('a%2Bb') && !c.message.includes(basic.slice(8, 20)), c.message);
  }
  assert.deepEqual(redact([{ id: 'discovery', status: 'pass', message: 'abc' }], 'abc'), [{ id: 'discovery', status: 'pass', message: 'abc' }], 'too short to scrub safely');
});

test('discovery: each way of failing has its own message and its own fix, short and concrete', () => {
  const url = 'https://auth.example.com/.well-known/openid-configuration';
  const failures: DiscoveryFailure[] = [
    { kind: 'dns', host: 'auth.example.com' },
    { kind: 'refused', host: 'auth.example.com:9011' },
    { kind: 'tls', host: 'auth.example.com', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    { kind: 'tls', host: 'auth.example.com', code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    { kind: 'tls', host: 'auth.example.com', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    { kind: 'tls', host: 'auth.example.com', code: 'CERT_HAS_EXPIRED' },
    { kind: 'timeout', seconds: 5 },
    { kind: 'status', status: 404 },
    { kind: 'status', status: 403 },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 301, location: 'https://auth.example.com/' },
    { kind: 'not-json', contentType: 'text/html' },
    { kind: 'no-issuer' },
    { kind: 'network', code: 'ECONNRESET' },
  ];
  const checks = failures.map((f) => discoveryCheck(url, f));
  const said = (re: RegExp, i: number) => assert.match(checks[i]!.message, re, checks[i]!.message);
  said(/^DNS lookup failed: the host "auth\.example\.com" was not found/, 0);
  said(/^Connection refused by auth\.example\.com:9011/, 1);
  // Offline, every host fails to resolve: the fix names the network as well as typos.
  assert.match(checks[0]!.fix!, /typos, and your network/);
  said(/not signed by a trusted authority/, 2);
  said(/does not speak https on that port/, 3);
  said(/for another host name/, 4);
  said(/expired/, 5);
  said(/within 5 s \(timeout\)/, 6);
  said(/HTTP 404 \(not found\)/, 7);
  said(/HTTP 403: something in front of FusionAuth/, 8);
  said(/HTTP 503/, 9);
  said(/redirected \(HTTP 301 to https:\/\/auth\.example\.com\/\)/, 10);
  said(/did not answer with JSON \(content type "text\/html"\)/, 11);
  said(/has no "issuer"/, 12);
  said(/\(ECONNRESET\)/, 13);
  assert.equal(new Set(checks.map((c) => c.message)).size, checks.length, 'distinct messages');
  for (const c of checks) {
    assert.equal(c.status, 'fail');
    assert.ok(c.fix && c.fix.length <= 200, `a short fix: ${c.fix}`);
    assert.ok(c.message.length <= 160, `a short message: ${c.message}`);
  }
});

test('issuer-match: the trailing-slash fix points the right way and names the tenant setting', () => {
  const tenantHasSlash = checkIssuerMatch('https://a.example', 'https://a.example/');
  assert.match(tenantHasSlash.fix!, /^In FusionAuth, open Tenants > Your Tenant > General > Issuer, remove the trailing "\/" \(make it https:\/\/a\.example\)/);
  const userTypedSlash = checkIssuerMatch('https://a.example/', 'https://a.example');
  assert.match(userTypedSlash.fix!, /^Enter https:\/\/a\.example here, without the trailing "\/": it must match Tenants > Your Tenant > General > Issuer/);
  const acme = checkIssuerMatch('https://a.example', 'acme.com');
  assert.equal(acme.fix, 'In FusionAuth, open Tenants > Your Tenant > General > Issuer, change "acme.com" to https://a.example and save.');
});
