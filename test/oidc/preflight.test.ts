// The FusionAuth preflight against a real OpenID provider on loopback (test/support/fusionauth.ts)
// and against servers that fail in each way discovery can fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFusionAuth, type FusionAuth, type FusionAuthVariant } from '../support/fusionauth.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { NGROK_REDIRECT_URL } from '../../main/tunnel/policy.js';
import { CHECK_IDS } from '../../main/oidc/checks.js';
import type { FusionAuthSettings, PreflightReport } from '../../common/types.js';

const preflight = createPreflight({ timeoutMs: 1500 });

function input(fa: Pick<FusionAuth, 'configuredIssuer' | 'clientId' | 'clientSecret'>, extra: Partial<FusionAuthSettings> = {}): FusionAuthSettings {
  return { issuer: fa.configuredIssuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: ['email'], ...extra };
}

function check(report: PreflightReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  assert.ok(c, `check ${id} is listed`);
  return c;
}

function assertShape(report: PreflightReport, secret: string) {
  assert.deepEqual(report.checks.map((c) => c.id), CHECK_IDS, 'every check, in order');
  assert.equal(report.ok, report.checks.every((c) => c.status !== 'fail'));
  const text = JSON.stringify(report);
  assert.ok(!text.includes(secret), 'the client secret appears nowhere in the report');
  for (const c of report.checks) if (c.status !== 'pass') assert.ok(c.fix, `${c.id} has a fix`);
}

async function withProvider<T>(variant: FusionAuthVariant, fn: (fa: FusionAuth) => Promise<T>): Promise<T> {
  const fa = await startFusionAuth({ variant });
  try {
    return await fn(fa);
  } finally {
    await fa.close();
  }
}

describe('preflight against the FusionAuth-shaped provider', () => {
  test('good: every check passes', async () => {
    await withProvider('good', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      assert.equal(r.ok, true);
      for (const c of r.checks) assert.equal(c.status, c.id === 'redirect-uri' ? 'manual' : 'pass', `${c.id}: ${c.message}`);
      assert.match(check(r, 'client-credentials').message, /accepted the client id and secret/);
      assert.match(check(r, 'client-credentials').message, /client_secret_basic/);
      const redirect = check(r, 'redirect-uri');
      assert.ok(redirect.message.includes('https://idp.ngrok.com/oauth2/callback'));
      assert.ok(redirect.fix?.includes('Applications > Your App > OAuth'));
      assert.ok(redirect.fix?.includes('Authorized redirect URLs'));
      assert.ok(redirect.fix?.includes(NGROK_REDIRECT_URL));
    });
  });

  test('acme-issuer: issuer-match names acme.com and the tenant setting', async () => {
    await withProvider('acme-issuer', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      assert.equal(r.ok, false);
      const m = check(r, 'issuer-match');
      assert.equal(m.status, 'fail');
      assert.match(m.message, /"acme\.com"/);
      assert.match(m.message, /default/);
      assert.match(m.fix!, /Tenants > Your Tenant > General > Issuer/);
      assert.ok(m.fix!.includes(fa.issuer), 'the fix says what to set the issuer to');
      assert.equal(check(r, 'discovery').status, 'pass');
    });
  });

  test('trailing-slash: issuer-match names the trailing slash', async () => {
    await withProvider('trailing-slash', async (fa) => {
      assert.equal(fa.servedIssuer, `${fa.issuer}/`);
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      const m = check(r, 'issuer-match');
      assert.equal(m.status, 'fail');
      assert.match(m.message, /[Tt]railing slash/);
      assert.match(m.fix!, /Tenants > Your Tenant/);
      // the reverse: the user types the slash, the tenant has none
      const fa2 = await startFusionAuth({ variant: 'good' });
      try {
        const r2 = await preflight(input({ ...fa2, configuredIssuer: `${fa2.issuer}/` }));
        assert.equal(check(r2, 'discovery').status, 'pass', 'discovery strips the slash, as OpenID Discovery says');
        assert.match(check(r2, 'issuer-match').message, /[Tt]railing slash/);
      } finally {
        await fa2.close();
      }
    });
  });

  test('wrong-secret: client-credentials fails with invalid_client, and the secret is never shown', async () => {
    await withProvider('wrong-secret', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      const c = check(r, 'client-credentials');
      assert.equal(c.status, 'fail');
      assert.match(c.message, /rejected the client id or client secret/);
      assert.match(c.message, /invalid_client/);
      assert.match(c.fix!, /Applications > Your App > OAuth/);
      assert.equal(check(r, 'issuer-match').status, 'pass');
    });
  });

  test('wrong client id: invalid_client too', async () => {
    await withProvider('good', async (fa) => {
      const r = await preflight(input(fa, { clientId: 'not-the-app' }));
      assert.equal(check(r, 'client-credentials').status, 'fail');
      assert.match(check(r, 'client-credentials').message, /invalid_client/);
    });
  });

  test('down: discovery fails with "connection refused"; later checks are reported as not checked', async () => {
    await withProvider('down', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      const d = check(r, 'discovery');
      assert.equal(d.status, 'fail');
      assert.match(d.message, /[Cc]onnection refused/);
      for (const id of ['issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials']) {
        assert.equal(check(r, id).status, 'skip');
        assert.match(check(r, id).message, /^Not checked: the discovery check failed/);
      }
      assert.equal(check(r, 'redirect-uri').status, 'manual');
      assert.equal(r.ok, false, 'ok is false because discovery failed, not because of the skipped ones');
    });
  });

  test('no-refresh-grant: grants fails naming refresh_token', async () => {
    await withProvider('no-refresh-grant', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      const g = check(r, 'grants');
      assert.equal(g.status, 'fail');
      assert.match(g.message, /refresh_token/);
      assert.match(g.fix!, /Enabled grants/);
    });
  });

  test('grants-unlisted: grants warns, and warnings do not fail the report', async () => {
    await withProvider('grants-unlisted', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      assert.equal(check(r, 'grants').status, 'warn');
      assert.equal(r.ok, true);
    });
  });

  test('no-email-scope: scopes fails while an allow-list is set', async () => {
    await withProvider('no-email-scope', async (fa) => {
      const r = await preflight(input(fa));
      assertShape(r, fa.clientSecret);
      const s = check(r, 'scopes');
      assert.equal(s.status, 'fail');
      assert.match(s.message, /email scope/);
    });
  });

  test('an allow-list without an explicit email scope passes: the tunnel requests email itself', async () => {
    await withProvider('good', async (fa) => {
      const r = await preflight(input(fa, { scopes: [], allowEmails: [], allowDomains: ['example.test'] }));
      const s = check(r, 'scopes');
      assert.equal(s.status, 'pass');
      assert.match(s.message, /requests openid email/);
      const open = await preflight(input(fa, { scopes: [], allowEmails: [], allowDomains: [] }));
      assert.match(check(open, 'scopes').message, /requests openid\.$/, 'no allow-list: email is not added');
      assert.equal(check(open, 'scopes').status, 'pass', 'no allow-list: email need not be requested');
    });
  });

  test('issuer-url: acme.com and plain http on a public host fail before any request', async () => {
    const acme = await preflight({ issuer: 'acme.com', clientId: 'x', clientSecret: 'secret-acme', allowEmails: [], allowDomains: [], scopes: [] });
    assertShape(acme, 'secret-acme');
    assert.equal(check(acme, 'issuer-url').status, 'fail');
    assert.match(check(acme, 'issuer-url').message, /acme\.com/);
    assert.match(check(acme, 'issuer-url').fix!, /Tenants > Your Tenant/);
    assert.match(check(acme, 'discovery').message, /^Not checked: the issuer-url check failed/);
    const plain = await preflight({ issuer: 'http://auth.example.com', clientId: 'x', clientSecret: 'secret-plain', allowEmails: [], allowDomains: [], scopes: [] });
    assert.equal(check(plain, 'issuer-url').status, 'fail');
    assert.match(check(plain, 'issuer-url').message, /plain http/);
  });
});

describe('preflight: each way discovery fails has its own message', () => {
  const servers: http.Server[] = [];
  let tmp = '';
  const listen = async (server: http.Server) => {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'porthole-preflight-'));
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    rmSync(tmp, { recursive: true, force: true });
  });
  const bare = (issuer: string): FusionAuthSettings => ({ issuer, clientId: 'client', clientSecret: 's3cr3t-value', allowEmails: [], allowDomains: [], scopes: [] });

  test('DNS failure (.invalid host)', async () => {
    const r = await preflight(bare('https://fusionauth.porthole.invalid'));
    assertShape(r, 's3cr3t-value');
    assert.match(check(r, 'discovery').message, /DNS lookup failed/);
    assert.match(check(r, 'discovery').message, /fusionauth\.porthole\.invalid/);
  });

  test('timeout (a server that never answers)', async () => {
    const port = await listen(http.createServer(() => { /* never answers */ }));
    const started = Date.now();
    const r = await createPreflight({ timeoutMs: 600 })(bare(`http://127.0.0.1:${port}`));
    assert.ok(Date.now() - started < 5000, 'gives up near the timeout');
    assertShape(r, 's3cr3t-value');
    assert.match(check(r, 'discovery').message, /timeout/);
    assert.match(check(r, 'discovery').message, /0\.6 s/);
  });

  test('non-JSON answer', async () => {
    const port = await listen(http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Login</body></html>');
    }));
    const r = await preflight(bare(`http://127.0.0.1:${port}`));
    assert.match(check(r, 'discovery').message, /did not answer with JSON/);
    assert.match(check(r, 'discovery').message, /text\/html/);
  });

  test('JSON content type with a body that is not JSON', async () => {
    const port = await listen(http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"issuer": ');
    }));
    const r = await preflight(bare(`http://127.0.0.1:${port}`));
    assert.match(check(r, 'discovery').message, /did not answer with JSON/);
  });

  test('HTTP 404', async () => {
    const port = await listen(http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }));
    const r = await preflight(bare(`http://127.0.0.1:${port}`));
    assert.match(check(r, 'discovery').message, /HTTP 404/);
  });

  test('HTTP 403 and HTTP 500 each say something different', async () => {
    const forbidden = await listen(http.createServer((_req, res) => { res.writeHead(403); res.end(); }));
    const broken = await listen(http.createServer((_req, res) => { res.writeHead(500); res.end(); }));
    const r403 = check(await preflight(bare(`http://127.0.0.1:${forbidden}`)), 'discovery');
    const r500 = check(await preflight(bare(`http://127.0.0.1:${broken}`)), 'discovery');
    assert.match(r403.message, /HTTP 403: something in front of FusionAuth refuses/);
    assert.match(r403.fix!, /\/\.well-known\/openid-configuration through the proxy/);
    assert.match(r500.message, /HTTP 500/);
    assert.match(r500.fix!, /System > About/);
  });

  test('TLS error: https to a port that speaks plain http', async () => {
    const port = await listen(http.createServer((_req, res) => { res.writeHead(200); res.end('{}'); }));
    const r = await preflight(bare(`https://127.0.0.1:${port}`));
    const d = check(r, 'discovery');
    assert.match(d.message, /TLS error talking to 127\.0\.0\.1:\d+ \(\w+\): it does not speak https on that port/);
    assert.doesNotMatch(d.message, /certificate/, 'not blamed on a certificate');
    assert.match(d.fix!, /port/);
  });

  test('TLS error (self-signed certificate)', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem')], { stdio: 'ignore', timeout: 30_000 });
    const server = https.createServer({ key: readFileSync(join(tmp, 'key.pem')), cert: readFileSync(join(tmp, 'cert.pem')) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const port = await listen(server as unknown as http.Server);
    const r = await preflight(bare(`https://127.0.0.1:${port}`));
    assertShape(r, 's3cr3t-value');
    assert.equal(check(r, 'issuer-url').status, 'pass');
    assert.match(check(r, 'discovery').message, /TLS error/);
    assert.match(check(r, 'discovery').message, /SELF_SIGNED|CERT/);
    assert.match(check(r, 'discovery').message, /not signed by a trusted authority/);
  });
});

describe('preflight: a provider that echoes the request in its errors never gets the secret into a message', () => {
  // A secret with characters that form- and base64-encoding change, so every encoded form is tried.
  const SECRET = 'Ab+c/d=e f!g~h(i)*j\'k-l_m.n"o\\p';
  const CLIENT = 'porthole client:1';
  const servers: http.Server[] = [];
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  /** A minimal OpenID provider whose token endpoint answers `error` with everything it received. */
  async function echoing(authMethods: string[], error: string, status: number): Promise<{ issuer: string; seen: string[] }> {
    const seen: string[] = [];
    const server = http.createServer(async (req, res) => {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          issuer, authorization_endpoint: `${issuer}/oauth2/authorize`, token_endpoint: `${issuer}/oauth2/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`, response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'], scopes_supported: ['openid', 'email'],
          token_endpoint_auth_methods_supported: authMethods,
        }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const auth = req.headers.authorization ?? '';
      const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
      seen.push(body + auth);
      res.writeHead(status, { 'content-type': 'application/json' });
      // Everything, in every form: the raw body, the header, the decoded header, as JSON text.
      res.end(JSON.stringify({
        error: `${error} ${auth}`,
        error_reason: decoded,
        error_description: `bad request: ${body} | ${auth} | ${decoded} | ${decodeURIComponent(body.replace(/\+/g, ' '))} | ${JSON.stringify(body)}`,
      }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  const cases: [string, string[], string, number][] = [
    ['client_secret_basic, an unexpected error', ['client_secret_basic'], 'invalid_request', 400],
    ['client_secret_post, an unexpected error', ['client_secret_post'], 'invalid_request', 400],
    ['client_secret_basic, invalid_client', ['client_secret_basic'], 'invalid_client', 401],
    ['client_secret_post, invalid_client', ['client_secret_post'], 'invalid_client', 400],
  ];
  for (const [name, methods, error, status] of cases) {
    test(name, async () => {
      const { issuer, seen } = await echoing(methods, error, status);
      const r = await preflight({ issuer, clientId: CLIENT, clientSecret: SECRET, allowEmails: [], allowDomains: [], scopes: [] });
      assert.equal(seen.length, 1, 'the token endpoint was asked once');
      const c = check(r, 'client-credentials');
      assert.notEqual(c.status, 'pass');
      const text = JSON.stringify(r.checks.map((x) => [x.message, x.fix]));
      assert.ok(/Basic|client_secret=|invalid_client/.test(seen[0]!), 'the secret went over the wire');
      // No form of the secret that went over the wire, nor any piece of one: not raw, not form- or
      // percent-encoded, not inside a (possibly shortened) base64 Authorization header.
      const encoded = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2)];
      const pieces = encoded.flatMap((f) => Array.from({ length: f.length - 7 }, (_, i) => f.slice(i, i + 8)));
      const decodedRuns = (text.match(/[A-Za-z0-9+/]{12,}/g) ?? []).map((run) => Buffer.from(run, 'base64').toString('latin1'));
      for (const p of pieces) {
        assert.ok(!text.includes(p), `a piece of the secret in the report: ${p}\n${text}`);
        for (const d of decodedRuns) assert.ok(!d.includes(p), `a piece of the secret in base64 in the report: ${p}\n${text}`);
      }
    });
  }
});
