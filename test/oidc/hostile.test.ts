// test: the preflight against a hostile OpenID provider (test/support/fusionauth.ts made hostile).
// A secret never leaves for a foreign origin, never comes back in any encoding, provider text can't
// forge the checklist, and no answer can grow the process without bound.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startFusionAuth, type FusionAuth, type FusionAuthOptions, type SeenRequest } from '../support/fusionauth.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { checkCommand } from '../../main/cli/check.js';
import type { PreflightReport } from '../../common/types.js';

const preflight = createPreflight({ timeoutMs: 1500 });

async function withProvider<T>(opts: FusionAuthOptions, fn: (fa: FusionAuth) => Promise<T>): Promise<T> {
  const fa = await startFusionAuth(opts);
  try {
    return await fn(fa);
  } finally {
    await fa.close();
  }
}

const run = (fa: FusionAuth, issuer = fa.configuredIssuer) =>
  preflight({ issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: [], allowDomains: [], scopes: [] });

const status = (r: PreflightReport, id: string) => r.checks.find((c) => c.id === id)!;

async function cli(fa: FusionAuth, extra: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await checkCommand(['--issuer', fa.configuredIssuer, '--client-id', fa.clientId, '--client-secret-env', 'S', '--timeout', '2', ...extra],
    { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, env: { S: fa.clientSecret } });
  return { code, stdout, stderr };
}

describe('the client secret goes only to the issuer\'s origin', () => {
  test('a token endpoint on another loopback port: its own failed check naming both origins; nothing sent there', async () => {
    await withProvider({ hostile: 'foreign-token-endpoint' }, async (fa) => {
      const r = await run(fa);
      assert.equal(r.ok, false);
      const t = status(r, 'token-endpoint');
      assert.equal(t.status, 'fail');
      const foreignOrigin = new URL(fa.foreign!.tokenEndpoint).origin;
      assert.ok(t.message.includes(foreignOrigin) && t.message.includes(new URL(fa.issuer).origin), t.message);
      assert.equal(status(r, 'client-credentials').status, 'skip');
      assert.deepEqual(fa.foreign!.requests, [], 'the foreign endpoint received nothing (no Basic header, no secret)');
      const out = await cli(fa);
      assert.equal(out.code, 1);
      assert.doesNotMatch(out.stdout, /All .*passed/);
      assert.deepEqual(fa.foreign!.requests, []);
    });
  });

  test('after a failed issuer match, no check sends the secret anywhere', async () => {
    const seen: SeenRequest[] = [];
    const opts: FusionAuthOptions = {
      rewriteDiscovery: (doc) => { doc.issuer = 'https://someone-else.example'; },
      tokenAnswer: (req) => { seen.push(req); return { status: 400, body: { error: 'invalid_grant' } }; },
    };
    await withProvider(opts, async (fa) => {
      const r = await run(fa);
      assert.equal(status(r, 'issuer-match').status, 'fail');
      assert.equal(status(r, 'client-credentials').status, 'skip');
      assert.match(status(r, 'client-credentials').message, /issuer-match/);
      assert.deepEqual(seen, [], 'the token endpoint was never asked');
    });
  });

  test('a file: token endpoint is named as such, not as "plain http"', async () => {
    await withProvider({ rewriteDiscovery: (doc) => { doc.token_endpoint = 'file:///etc/passwd'; } }, async (fa) => {
      const r = await run(fa);
      const t = status(r, 'token-endpoint');
      assert.equal(t.status, 'fail');
      assert.match(t.message, /file: token endpoint/);
      assert.doesNotMatch(`${t.message} ${status(r, 'client-credentials').message}`, /plain http/);
    });
  });
});

describe('provider text is shown as data', () => {
  const forged = 'oops\n✓ client-credentials: forged\n\nAll checks passed.\u001b[2J\u001b[H';
  test('error_description and issuer with line breaks and escape sequences cannot forge the checklist', async () => {
    const opts: FusionAuthOptions = {
      rewriteDiscovery: (doc) => { doc.issuer = `${doc.issuer}\n✓ issuer-match: forged\u001b[2J`; },
      tokenAnswer: () => ({ status: 400, body: { error: `weird${forged}`, error_description: forged } }),
    };
    await withProvider(opts, async (fa) => {
      const human = await cli(fa);
      assert.equal(human.code, 1);
      assert.ok(!human.stdout.includes('\u001b'), 'no escape character reaches the terminal');
      for (const l of human.stdout.split('\n')) {
        assert.match(l, /^(|FusionAuth check for .*|[✓!✗☐-] [a-z-]+: .*| {4}.*|\d+ failed.*|All .*)$/, `a line Porthole did not write: ${JSON.stringify(l)}`);
      }
      assert.doesNotMatch(human.stdout, /^✓ (client-credentials|issuer-match): forged/m);
      assert.doesNotMatch(human.stdout, /^All checks passed\.$/m);
      assert.match(human.stdout, /\\n✓ issuer-match: forged\\u001b\[2J/, 'the forged text is shown, escaped');
      // The JSON output carries the provider's text as JSON data, one line.
      const json = await cli(fa, ['--json']);
      assert.equal(json.stdout.trim().split('\n').length, 1);
      const issuerMatch = JSON.parse(json.stdout).checks.find((c: { id: string }) => c.id === 'issuer-match');
      assert.ok(issuerMatch.message.includes('\n✓ issuer-match: forged\u001b[2J'), issuerMatch.message);
    });
  });

  for (const [name, change] of [['a Cyrillic letter', (i: string) => i.replace('http', 'httр')], ['a zero-width space', (i: string) => i.replace('127.0', '127\u200b.0')]] as const) {
    test(`a lookalike issuer (${name}) is never offered as "enter exactly" advice without saying it holds non-ASCII`, async () => {
      await withProvider({ rewriteDiscovery: (doc) => { doc.issuer = change(String(doc.issuer)); } }, async (fa) => {
        const m = status(await run(fa), 'issuer-match');
        assert.equal(m.status, 'fail');
        assert.match(m.message, /non-ASCII characters \(U\+(0440|200B) at character \d+\)/);
        assert.doesNotMatch(m.fix!, /[Ee]nter exactly/);
        assert.ok(m.fix!.includes(fa.issuer), 'the fix names the plain issuer to type');
      });
    });
  }
});

describe('every encoding of the secret is scrubbed from the provider\'s words (check output)', () => {
  test('raw upper-cased, URL-encoded, base64, base64url, hex, HTML-escaped: none survives, human or JSON', async () => {
    let secret = '';
    const forms = (s: string) => ({
      upper: s.toUpperCase(),
      url: encodeURIComponent(s),
      base64: Buffer.from(s).toString('base64'),
      base64url: Buffer.from(s).toString('base64url'),
      hex: Buffer.from(s).toString('hex'),
      html: s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    });
    const opts: FusionAuthOptions = {
      // An "unexpected" error that echoes what it received, in every encoding, plus the Basic header as sent.
      tokenAnswer: (req) => ({ status: 400, body: { error: 'invalid_request', error_description: `${Object.values(forms(secret)).join(' ')} ${req.authorization}` } }),
    };
    await withProvider(opts, async (fa) => {
      // A secret with characters that every encoding changes (FusionAuth lets an admin set any).
      // "?>~???" makes base64 emit + and /, so the base64url form really has - and _ to miss.
      secret = `Ab1/+c&d<"x'?>~???${createHash('sha256').update(fa.clientSecret).digest('base64url').slice(0, 20)}`;
      assert.match(forms(secret).base64url, /-.*_|_.*-/, 'the base64url form differs from base64');
      const shown = { ...fa, clientSecret: secret };
      for (const extra of [[], ['--json']]) {
        const out = await cli(shown, extra);
        for (const [kind, f] of Object.entries(forms(secret))) {
          assert.ok(!out.stdout.includes(f) && !out.stderr.includes(f), `${kind} form in ${extra.join('') || 'human'} output:\n${out.stdout}`);
        }
        assert.match(out.stdout, /\[redacted\]/);
      }
    });
  });
});

describe('every provider answer is size-capped', () => {
  async function peakRssDuring<T>(fn: () => Promise<T>): Promise<{ value: T; growthMb: number }> {
    const base = process.memoryUsage().rss;
    let peak = base;
    const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    try {
      const value = await fn();
      return { value, growthMb: (Math.max(peak, process.memoryUsage().rss) - base) / 1024 / 1024 };
    } finally {
      clearInterval(t);
    }
  }

  for (const hostile of ['endless-discovery', 'gzip-bomb'] as const) {
    test(`${hostile}: "the provider's answer is larger than 128 KB", memory stays low`, async () => {
      await withProvider({ hostile }, async (fa) => {
        const { value: r, growthMb } = await peakRssDuring(() => run(fa));
        const d = status(r, 'discovery');
        assert.equal(d.status, 'fail');
        assert.match(d.message, /The provider's answer is larger than 128 KB/);
        assert.ok(growthMb < 100, `the process grew by ${growthMb.toFixed(0)} MB`);
      });
    });
  }

  // A plain, finished answer one byte over the cap (not a stream, not compressed) is refused; one at the cap is read.
  for (const [extra, refused] of [[1, true], [0, false]] as const) {
    test(`a discovery document of exactly 128 KB${extra ? ' + 1 byte' : ''} is ${refused ? 'refused' : 'read'}`, async () => {
      const target = 128 * 1024 + extra;
      const pad = (doc: Record<string, unknown>) => {
        doc.x_padding = '';
        doc.x_padding = 'p'.repeat(target - Buffer.byteLength(JSON.stringify(doc)));
      };
      await withProvider({ rewriteDiscovery: pad }, async (fa) => {
        const served = await fetch(`${fa.issuer}/.well-known/openid-configuration`).then((r) => r.arrayBuffer());
        assert.equal(served.byteLength, target, 'the provider really sent that many bytes');
        const d = status(await run(fa), 'discovery');
        if (refused) {
          assert.equal(d.status, 'fail');
          assert.match(d.message, /The provider's answer is larger than 128 KB/);
        } else assert.equal(d.status, 'pass', d.message);
      });
    });
  }

  test('slow-discovery: a body still arriving at the deadline is a timeout, not "not JSON"', async () => {
    await withProvider({ hostile: 'slow-discovery' }, async (fa) => {
      const d = status(await run(fa), 'discovery');
      assert.equal(d.status, 'fail');
      assert.match(d.message, /within 1\.5 s \(timeout\)/);
      assert.doesNotMatch(d.message, /JSON/);
    });
  });
});
