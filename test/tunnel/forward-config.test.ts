// test: settings → ngrok listener config, as data, for each mode; and "Copy as ngrok command".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { forwardConfigFor, ngrokCommandFor, sessionConfigFor, upstreamUrlFor } from '../../main/tunnel/forward-config.js';
import { trafficPolicyFor } from '../../main/tunnel/policy.js';
import type { FusionAuthSettings, TunnelSpec } from '../../main/types.js';

const fa: FusionAuthSettings = { issuer: 'https://auth.example.com', clientId: 'cid', clientSecret: 's3cr3t-value', allowEmails: ['a@x.test'], allowDomains: ['corp.test'], scopes: ['profile'] };
const base = { name: 'web', target: '3000', fusionauth: fa };

test('oidc: a traffic_policy JSON string', () => {
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc' }), { addr: 'http://localhost:3000', traffic_policy: JSON.stringify(trafficPolicyFor(fa)) });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc', domain: 'demo.ngrok.app' }), { addr: 'http://localhost:3000', domain: 'demo.ngrok.app', traffic_policy: JSON.stringify(trafficPolicyFor(fa)) });
});

test('oidc-legacy: the agent oidc_* options', () => {
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc-legacy' }), {
    addr: 'http://localhost:3000',
    oidc_issuer_url: 'https://auth.example.com',
    oidc_client_id: 'cid',
    oidc_client_secret: 's3cr3t-value',
    oidc_allow_emails: ['a@x.test'],
    oidc_allow_domains: ['corp.test'],
    oidc_scopes: ['openid', 'email', 'profile'],
  });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc-legacy', fusionauth: { ...fa, allowEmails: [], allowDomains: [], scopes: [] } }), {
    addr: 'http://localhost:3000',
    oidc_issuer_url: 'https://auth.example.com',
    oidc_client_id: 'cid',
    oidc_client_secret: 's3cr3t-value',
    oidc_scopes: ['openid'],
  });
});

test('internal: binding internal on <name>.internal, no policy', () => {
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'internal' }), { addr: 'http://localhost:3000', binding: 'internal', domain: 'web.internal' });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'internal', domain: 'api.internal' }), { addr: 'http://localhost:3000', binding: 'internal', domain: 'api.internal' });
});

test('public: nothing but the address', () => {
  assert.deepEqual(forwardConfigFor({ name: 'web', target: '127.0.0.1:8080', mode: 'public' }), { addr: 'http://127.0.0.1:8080' });
  assert.equal(upstreamUrlFor('[::1]:3000'), 'http://[::1]:3000');
});

test('session config in ngrok Config keys', () => {
  assert.deepEqual(sessionConfigFor({ authtoken: 't', serverAddr: '127.0.0.1:1', caPem: 'PEM' }), { authtoken: 't', server_addr: '127.0.0.1:1', session_ca_cert: 'PEM' });
  assert.deepEqual(sessionConfigFor({ authtoken: 't' }), { authtoken: 't' });
});

test('ngrok command: each mode, never the secret', () => {
  assert.equal(ngrokCommandFor({ name: 'web', target: '3000', mode: 'public' }), 'ngrok http 3000');
  assert.equal(ngrokCommandFor({ ...base, mode: 'internal' }), 'ngrok http 3000 --url https://web.internal');
  assert.equal(
    ngrokCommandFor({ ...base, mode: 'oidc-legacy', domain: 'demo.ngrok.app' }),
    'ngrok http 3000 --url https://demo.ngrok.app --oidc=https://auth.example.com --oidc-client-id=cid --oidc-client-secret="$FUSIONAUTH_CLIENT_SECRET" --oidc-allow-email=a@x.test --oidc-allow-domain=corp.test --oidc-scope=openid --oidc-scope=email --oidc-scope=profile',
  );
  for (const mode of ['oidc', 'oidc-legacy', 'internal', 'public'] as const) assert.ok(!ngrokCommandFor({ ...base, mode }).includes('s3cr3t'), mode);
});

test('ngrok command for oidc: a shell really writes the policy file with the secret from the environment', () => {
  const spec: TunnelSpec = { ...base, mode: 'oidc', fusionauth: { ...fa, issuer: 'https://auth.example.com/$HOME`id`' } };
  const cmd = ngrokCommandFor(spec);
  assert.match(cmd, /--traffic-policy-file porthole-web\.policy\.yml$/);
  const dir = mkdtempSync(join(tmpdir(), 'porthole-cmd-'));
  try {
    // Run everything but the last line (ngrok itself is not installed here).
    const script = cmd.split('\n').slice(0, -1).join('\n');
    const r = spawnSync('sh', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH, FUSIONAUTH_CLIENT_SECRET: 'env-s3cret: #x' } });
    assert.equal(r.status, 0, String(r.stderr));
    const written = parseYaml(readFileSync(join(dir, 'porthole-web.policy.yml'), 'utf8'));
    assert.deepEqual(written, trafficPolicyFor({ ...spec.fusionauth!, clientSecret: 'env-s3cret: #x' }));
    assert.equal(written.on_http_request[0]!.actions[0]!.config?.issuer_url, 'https://auth.example.com/$HOME`id`', 'nothing else is expanded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
