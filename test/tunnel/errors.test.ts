// test: ngrok errors → PortholeError (main/errors.ts), with real SDK error shapes where they can be
// produced here (a closed port, an untrusted certificate), and never a secret in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import ngrok from '@ngrok/ngrok';
import { describe as describeCode, scrub, type ErrorCode } from '../../common/errors.js';
import { fromNgrokError, isFatalSessionError } from '../../main/errors.js';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { startIngress } from '../support/ingress/index.js';
import { ended } from '../support/process.js';
import { parseShareArgs } from '../../main/cli/args.js';
import { asData } from '../../common/scrub.js';

/** Every encoding in which a secret could come back in ngrok's and providers' messages. */
function encodings(secret: string): Record<string, string> {
  return {
    raw: secret,
    upper: secret.toUpperCase(),
    url: encodeURIComponent(secret),
    // a URL carrying the secret, itself put in a query: `+` → `%2B` → `%252B`
    urlTwice: encodeURIComponent(encodeURIComponent(secret)),
    wwwForm: new URLSearchParams({ s: secret }).toString().slice(2),
    formTwice: encodeURIComponent(new URLSearchParams({ s: secret }).toString().slice(2)),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
    hex: Buffer.from(secret).toString('hex'),
    HEX: Buffer.from(secret).toString('hex').toUpperCase(),
    html: secret.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!),
    basicAfterId: Buffer.from(`some-client-id:${secret}`).toString('base64'),
  };
}

function sdkError(message: string): Error {
  // What @ngrok/ngrok's trailer.js builds: the message, and errorCode parsed from its end.
  const err = new Error(message) as Error & { errorCode?: string; code?: string };
  const m = /error_code: (ERR_NGROK_\d+)$/.exec(message);
  if (m) err.errorCode = m[1];
  err.code = 'GenericFailure';
  return err;
}

test('known codes get Porthole text and keep the ngrok code', () => {
  const cases: [string, ErrorCode][] = [
    ['ERR_NGROK_105', 'NGROK_AUTHTOKEN'],
    ['ERR_NGROK_108', 'NGROK_TOO_MANY_SESSIONS'],
    ['ERR_NGROK_324', 'NGROK_ENDPOINT_LIMIT'],
    ['ERR_NGROK_334', 'NGROK_ENDPOINT_ONLINE'],
    ['ERR_NGROK_387', 'NGROK_OIDC_CONFIG'],
    ['ERR_NGROK_7088', 'NGROK_OIDC_CONFIG'],
    ['ERR_NGROK_5204', 'NGROK_OIDC_TOKEN'],
    ['ERR_NGROK_5212', 'NGROK_OIDC_NOT_ENABLED'],
    ['ERR_NGROK_7008', 'NGROK_EDGES_RETIRED'],
  ];
  for (const [ngrokCode, code] of cases) {
    const e = fromNgrokError(sdkError(`failed to start listener: something\nmore error_code: ${ngrokCode}`));
    assert.equal(e.code, code, ngrokCode);
    assert.equal(e.ngrokCode, ngrokCode);
    assert.equal(e.message, describeCode(code).message);
    assert.ok(e.fix && e.fix.length > 10, `${ngrokCode} says what to fix`);
  }
});

test('unknown codes pass through verbatim (minus the SDK wrapping)', () => {
  const e = fromNgrokError(sdkError('failed to start listener: The frobnicator is out of order. error_code: ERR_NGROK_9999'));
  assert.equal(e.code, 'ERR_NGROK_9999');
  assert.equal(e.ngrokCode, 'ERR_NGROK_9999');
  assert.equal(e.message, 'failed to start listener: The frobnicator is out of order.');
});

test('no secret survives: the authtoken in ngrok text, and given secrets', () => {
  const e = fromNgrokError(sdkError('failed to connect session: The authtoken you specified is properly formed, but it is invalid. Your authtoken: 2abcSECRETtoken error_code: ERR_NGROK_9998'), { secrets: ['2abcSECRETtoken'] });
  assert.ok(!JSON.stringify(e).includes('SECRET'), JSON.stringify(e));
  assert.ok(!scrub('Your authtoken: tok123456', []).includes('tok123456'));
  assert.equal(scrub('client secret is hunter22 here', ['hunter22']), 'client secret is [redacted] here');
});

test('only session-level refusals are fatal', () => {
  assert.ok(isFatalSessionError(fromNgrokError(sdkError('x error_code: ERR_NGROK_105'))));
  assert.ok(isFatalSessionError(fromNgrokError(sdkError('x error_code: ERR_NGROK_108'))));
  assert.ok(!isFatalSessionError(fromNgrokError(sdkError('x error_code: ERR_NGROK_334'))));
  assert.ok(!isFatalSessionError(fromNgrokError(sdkError('failed to connect session: failed to establish tcp connection'))));
});

async function connectError(serverAddr: string, caPem?: string): Promise<unknown> {
  const b = new ngrok.SessionBuilder().authtoken('t').serverAddr(serverAddr);
  if (caPem) b.caCert(new Uint8Array(Buffer.from(caPem)));
  try {
    const s = await b.connect();
    await s.close();
  } catch (err) {
    return err;
  }
  throw new Error('connect unexpectedly succeeded');
}

test('the real SDK: a closed port of a custom server_addr', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => srv.close(() => r()));
  const e = fromNgrokError(await connectError(addr), { serverAddr: addr });
  assert.equal(e.code, 'NGROK_UNREACHABLE');
  assert.ok(e.message.includes(addr), e.message);
});

test('the real SDK: a TLS handshake the agent refuses (certificate not trusted)', async () => {
  // A TLS server whose certificate the agent cannot trust (the SDK's default roots): handshake fails.
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'porthole-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 30_000 });
    const srv = tls.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (s) => s.destroy());
    srv.on('tlsClientError', () => {});
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
    try {
      const e = fromNgrokError(await connectError(addr), { serverAddr: addr });
      assert.equal(e.code, 'NGROK_TLS');
      assert.match(e.fix ?? '', /CA certificate/);
    } finally {
      srv.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the one scrubber: raw, upper-cased, URL-encoded, base64, base64url, hex, HTML-escaped, and inside a Basic header', () => {
  const secret = 'tok/en+2abc&"<x>\'Zq9~_.-x';
  for (const [kind, form] of Object.entries(encodings(secret))) {
    const out = scrub(`ngrok said: [${form}] end`, [secret]);
    assert.match(out, /\[redacted\]/, kind);
    // No run of 8 characters of the secret's part of the encoded form survives ("some-client-id:" is 20 base64 characters).
    const part = kind === 'basicAfterId' ? form.slice(20) : form;
    for (let i = 0; i + 8 <= part.length; i++) assert.ok(!out.includes(part.slice(i, i + 8)), `${kind}: ${out}`);
  }
  assert.equal(scrub('nothing to hide here', [secret]), 'nothing to hide here', 'other text is untouched');
});

test('the scrubber catches a twice URL-encoded secret (%252B), as it comes back inside a redirect URL', () => {
  const secret = 'tok/en+2abc&"<x>\'Zq9';
  const twice = encodeURIComponent(encodeURIComponent(secret));
  assert.ok(twice.includes('%252B') && twice.includes('%252F'), twice);
  const out = scrub(`redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fstate%3D${twice}&x=1`, [secret]);
  assert.ok(!out.includes('%252B') && !out.includes('%252F'), out);
  assert.match(out, /state%3D\[redacted\]&x=1$/);
});

test('base64url forms are caught: secrets whose base64 has + and /, alone and after a client id at every alignment', () => {
  // ASCII like "?>~" encodes to 6-bit groups 62 and 63, so base64url really differs from base64 here.
  for (const secret of ['a?>~~?b>>?c', 'key??>>~~', '~~~???>>>']) {
    for (const prefix of ['', 'i:', 'id:', 'ids:']) {
      const b64url = Buffer.from(`${prefix}${secret}`).toString('base64url');
      const mine = b64url.slice(Math.ceil((prefix.length * 8) / 6));
      assert.ok(/[-_]/.test(mine), `${secret} after "${prefix}" gives ${b64url}: no - or _, so this case proves nothing`);
      const out = scrub(`Basic ${b64url} end`, [secret]);
      for (let i = 0; i + 6 <= mine.length; i++) assert.ok(!out.includes(mine.slice(i, i + 6)), `"${prefix}${secret}" → ${b64url}: ${out}`);
    }
  }
});

test('asData: control characters escaped, one line, capped', () => {
  assert.equal(asData('a\nb\u001b[2Jc\u200bd'), 'a\\nb\\u001b[2Jc\\u200bd');
  assert.equal(asData('x'.repeat(500), 50).length, 50);
});

test('share --json: an unknown ngrok code whose message holds the authtoken in every encoding; none reaches stdout or stderr', async () => {
  const token = 'cli-AUTHtoken/2abc+SECRET=9';
  const ing = await startIngress();
  const app = http.createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  try {
    const forms = encodings(token);
    ing.failBind(() => true, 'ERR_NGROK_9999', `The frobnicator refused ${Object.values(forms).join(' | ')}.`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'share', String((app.address() as net.AddressInfo).port), '--mode', 'public',
      '--server-addr', ing.serverAddr, '--ca-file', ing.caFile, '--json'], {
      cwd: new URL('../../', import.meta.url).pathname, env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await ended(child, () => `${out}${err}`).finally(() => child.kill('SIGKILL'));
    assert.equal(code, 1, err);
    const last = JSON.parse(out.trim().split('\n').at(-1)!);
    assert.equal(last.state, 'error');
    assert.equal(last.code, 'ERR_NGROK_9999');
    assert.match(last.message, /frobnicator refused \[redacted\]/);
    for (const [kind, form] of Object.entries(forms)) assert.ok(!out.includes(form) && !err.includes(form), `${kind} form printed:\n${out}\n${err}`);
  } finally {
    ing.failBind(null);
    app.close();
    await ing.close();
  }
});

test('share --authtoken-env with the token itself: the flag and the rule named, the token never echoed', async () => {
  const token = '2abcDEFghi3JKLmno4PQRstu5_vwxYZ6';
  for (const value of [token, `${token}-x.y`]) {
    await assert.rejects(parseShareArgs(['3000', '--mode', 'public', '--authtoken-env', value], {}), (e: Error) => {
      assert.match(e.message, /--authtoken-env takes the NAME of an environment variable/);
      assert.ok(!e.message.includes(token.slice(0, 10)), e.message);
      return true;
    });
  }
  await assert.rejects(parseShareArgs(['3000', '--mode', 'public', '--authtoken-env', token], {}), /looks like a secret itself/);
});

test("ngrok's pooling codes name the domain and the side to change; ERR_NGROK_334 on start offers pooling on both sides or stopping the other", () => {
  const text = (code: string, ctx: { domain?: string; pooled?: boolean } = {}) => fromNgrokError(sdkError(`failed to start listener: x error_code: ${code}`), ctx);
  const online = text('ERR_NGROK_334', { domain: 'demo.ngrok.app' });
  assert.equal(online.code, 'NGROK_ENDPOINT_ONLINE');
  assert.equal(online.message, 'Another ngrok agent is already serving demo.ngrok.app.');
  assert.match(online.fix!, /"Share this URL with other agents" \(--pool\) here and on the other agent .*--pooling-enabled.*stop the other agent first/);
  assert.match(text('ERR_NGROK_334', { domain: 'demo.ngrok.app', pooled: true }).message, /serving demo\.ngrok\.app without pooling/);
  const mixed = ['ERR_NGROK_6030', 'ERR_NGROK_18016', 'ERR_NGROK_18017'].map((c) => text(c, { domain: 'demo.ngrok.app' }));
  assert.deepEqual(mixed.map((e) => [e.code, e.ngrokCode]), [['NGROK_POOL_MIXED', 'ERR_NGROK_6030'], ['NGROK_POOL_MIXED', 'ERR_NGROK_18016'], ['NGROK_POOL_MIXED', 'ERR_NGROK_18017']]);
  assert.equal(new Set(mixed.map((e) => e.fix)).size, 3, 'each says its own way out');
  for (const e of mixed) assert.match(e.message, /demo\.ngrok\.app/);
  const plan = text('ERR_NGROK_18019');
  assert.equal(plan.code, 'NGROK_POOLING_UNAVAILABLE');
  assert.match(plan.message, /plan does not include endpoint pooling/);
  for (const e of [online, ...mixed, plan]) assert.ok(!isFatalSessionError(e), `${e.ngrokCode} fails the tunnel, not the session`);
});

test('the reason of a tunnel waiting for ngrok to let go of its domain, with the local time it began', () => {
  const at = new Date(2025, 0, 2, 9, 5, 30).getTime();
  const e = describeCode('NGROK_ENDPOINT_HELD', { domain: 'demo.ngrok.app', since: at });
  assert.equal(e.message, 'ngrok still holds demo.ngrok.app for the previous connection; waiting since 09:05');
});
