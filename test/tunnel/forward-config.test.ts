// test: settings → ngrok listener config, as data, for each mode; and "Copy as ngrok command".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { forwardConfigFor, ngrokCommandFor, sessionConfigFor, upstreamUrlFor } from '../../main/tunnel/forward-config.js';
import { identityHeadersOnlyPolicy, trafficPolicyFor, VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import type { FusionAuthSettings, TunnelSpec } from '../../common/types.js';

const fa: FusionAuthSettings = { issuer: 'https://auth.example.com', clientId: 'cid', clientSecret: 's3cr3t-value', allowEmails: ['a@x.test'], allowDomains: ['corp.test'], scopes: ['profile'] };
const base = { name: 'web', target: '3000', fusionauth: fa };

test('oidc: a traffic_policy JSON string, asking for the identity while recording', () => {
  const rec = JSON.stringify(trafficPolicyFor(fa, { identity: true }));
  // The client secret travels beside the policy as a value to scrub, never read back out of its JSON.
  const secrets = ['s3cr3t-value'];
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc' }), { addr: 'http://localhost:3000', traffic_policy: rec, secrets });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc', domain: 'demo.ngrok.app' }), { addr: 'http://localhost:3000', domain: 'demo.ngrok.app', traffic_policy: rec, secrets });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc', record: false }), { addr: 'http://localhost:3000', traffic_policy: JSON.stringify(trafficPolicyFor(fa)), secrets });
  const scopes = (s: TunnelSpec) => JSON.parse(forwardConfigFor(s).traffic_policy!).on_http_request[0].actions[1].config.scopes;
  assert.deepEqual(scopes({ ...base, mode: 'oidc', fusionauth: { ...fa, allowEmails: [], allowDomains: [], scopes: [] } }), ['openid', 'email', 'profile']);
  assert.deepEqual(scopes({ ...base, mode: 'oidc', record: false, fusionauth: { ...fa, allowEmails: [], allowDomains: [], scopes: [] } }), ['openid']);
});

test('the upstream (the recording proxy) replaces the app as the forward address, in every mode', () => {
  for (const mode of ['oidc', 'oidc-legacy', 'internal', 'public'] as const) assert.equal(forwardConfigFor({ ...base, mode }, 'http://127.0.0.1:4567').addr, 'http://127.0.0.1:4567', mode);
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
    traffic_policy: JSON.stringify(identityHeadersOnlyPolicy()),
    secrets: ['s3cr3t-value'],
  });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'oidc-legacy', fusionauth: { ...fa, allowEmails: [], allowDomains: [], scopes: [] } }), {
    addr: 'http://localhost:3000',
    oidc_issuer_url: 'https://auth.example.com',
    oidc_client_id: 'cid',
    oidc_client_secret: 's3cr3t-value',
    oidc_scopes: ['openid'],
    traffic_policy: JSON.stringify(identityHeadersOnlyPolicy()),
    secrets: ['s3cr3t-value'],
  });
});

test('internal: binding internal on <name>.internal, no policy', () => {
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'internal' }), { addr: 'http://localhost:3000', binding: 'internal', domain: 'web.internal' });
  assert.deepEqual(forwardConfigFor({ ...base, mode: 'internal', domain: 'api.internal' }), { addr: 'http://localhost:3000', binding: 'internal', domain: 'api.internal' });
});

test('public: the address, and a policy that only removes forged identity headers', () => {
  assert.deepEqual(forwardConfigFor({ name: 'web', target: '127.0.0.1:8080', mode: 'public' }), { addr: 'http://127.0.0.1:8080', traffic_policy: JSON.stringify(identityHeadersOnlyPolicy()) });
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

/** Runs a generated command in a fresh folder, with `ngrok` a shell function that records its argv. */
function runCommand(cmd: string, shell: 'sh' | 'bash' | 'interactive bash', secret: string): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-cmd-'));
  const fake = `ngrok() { printf '%s\\n' "$@" > ngrok-argv.txt; }`;
  const env = { PATH: process.env.PATH ?? '', FUSIONAUTH_CLIENT_SECRET: secret, HISTFILE: '/dev/null', TERM: 'dumb' };
  if (shell !== 'interactive bash') {
    const r = spawnSync(shell, ['-c', `${fake}\n${cmd}`], { cwd: dir, env, encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
    return { dir, out: r.stdout };
  }
  // A person pasting the command into a terminal: bash on a pty, history expansion on. `echo X!!X`
  // first proves that expansion is live in this shell.
  const input = ['echo probe', 'echo X!!X', fake, cmd, 'exit', ''].join('\n');
  const r = spawnSync('script', ['-qec', 'bash --norc --noprofile -i', '/dev/null'], { cwd: dir, env, input, encoding: 'utf8', timeout: 15000 });
  assert.equal(r.status, 0, `script: ${r.stderr}`);
  assert.match(r.stdout, /Xecho probeX/, 'history expansion is on in the interactive shell');
  assert.doesNotMatch(r.stdout, /event not found/);
  return { dir, out: r.stdout };
}
const hasScript = spawnSync('script', ['--version'], { timeout: 5000 }).status === 0;
const shells = ['sh', 'bash', ...(hasScript ? ['interactive bash' as const] : [])] as const;

test('ngrok command for oidc: sh, bash and an interactive bash write the policy file, which reads the secret from an ngrok vault', () => {
  // A `!` and a quote in an email, shell metacharacters in the issuer: nothing but the secret may expand.
  const spec: TunnelSpec = { ...base, mode: 'oidc', fusionauth: { ...fa, issuer: 'https://auth.example.com/$HOME`id`', allowEmails: ["o'brien!x@x.test", 'a@x.test'] } };
  const cmd = ngrokCommandFor(spec);
  assert.ok(!cmd.includes('!'), 'no `!` for history expansion to find');
  assert.ok(!cmd.includes('s3cr3t-value'));
  assert.match(cmd, /\nngrok http 3000 --traffic-policy-file porthole-web\.policy\.yml$/);
  const secret = 'env-s3cret_-42';
  for (const shell of shells) {
    const { dir } = runCommand(cmd, shell, secret);
    try {
      const written = parseYaml(readFileSync(join(dir, 'porthole-web.policy.yml'), 'utf8'));
      assert.deepEqual(written, trafficPolicyFor({ ...spec.fusionauth!, clientSecret: VAULT_SECRET_REF }, { identity: true }), shell);
      assert.ok(!readFileSync(join(dir, 'porthole-web.policy.yml'), 'utf8').includes(secret), `${shell}: no secret on disk`);
      assert.equal(written.on_http_request[0]!.actions[1]!.config?.issuer_url, 'https://auth.example.com/$HOME`id`', `${shell}: nothing else is expanded`);
      assert.deepEqual(readFileSync(join(dir, 'ngrok-argv.txt'), 'utf8').trim().split('\n'), ['http', '3000', '--traffic-policy-file', 'porthole-web.policy.yml'], shell);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('ngrok command for oidc-legacy: the shells pass every flag as written, the secret from the environment', () => {
  const spec: TunnelSpec = { ...base, mode: 'oidc-legacy', fusionauth: { ...fa, allowEmails: ["o'brien!x@x.test"], allowDomains: ['corp.test'] } };
  const cmd = ngrokCommandFor(spec);
  assert.ok(!cmd.replace(/'\\!'/g, '').includes('!'), 'every `!` is backslashed outside the quotes');
  for (const shell of shells) {
    const { dir } = runCommand(cmd, shell, 'env-s3cret');
    try {
      assert.deepEqual(readFileSync(join(dir, 'ngrok-argv.txt'), 'utf8').trim().split('\n'), [
        'http',
        '3000',
        '--oidc=https://auth.example.com',
        '--oidc-client-id=cid',
        '--oidc-client-secret=env-s3cret',
        "--oidc-allow-email=o'brien!x@x.test",
        '--oidc-allow-domain=corp.test',
        '--oidc-scope=openid',
        '--oidc-scope=email',
        '--oidc-scope=profile',
      ], shell);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('pool: pooling on the listener, --pooling-enabled in the ngrok command; the internal URL and the policy unchanged', () => {
  const pooled: TunnelSpec = { ...base, mode: 'public', domain: 'demo.ngrok.app', pool: true };
  assert.equal(forwardConfigFor(pooled).pooling_enabled, true);
  assert.equal(forwardConfigFor({ ...pooled, pool: undefined }).pooling_enabled, undefined);
  assert.equal(ngrokCommandFor(pooled), 'ngrok http 3000 --url https://demo.ngrok.app --pooling-enabled');
  const internal: TunnelSpec = { ...base, mode: 'internal', pool: true };
  assert.equal(ngrokCommandFor(internal), 'ngrok http 3000 --url https://web.internal --pooling-enabled');
  const { pooling_enabled: _p, ...rest } = forwardConfigFor(internal);
  assert.deepEqual(rest, forwardConfigFor({ ...internal, pool: undefined }), 'the same internal endpoint, only pooled');
  const oidc: TunnelSpec = { ...base, mode: 'oidc', domain: 'demo.ngrok.app', pool: true };
  assert.equal(forwardConfigFor(oidc).traffic_policy, forwardConfigFor({ ...oidc, pool: undefined }).traffic_policy, 'the policy is the same');
  assert.match(ngrokCommandFor(oidc), /--url https:\/\/demo\.ngrok\.app --pooling-enabled --traffic-policy-file porthole-web\.policy\.yml$/);
});
