// `porthole share --json` as a user runs it (the built CLI, test/support/built-cli.ts): the protection
// verdict in its JSON lines for the modes test/cli doesn't cover (oidc-legacy → protected, internal
// → unknown), and a failed preflight as the last JSON line. Loopback ingress, real provider.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { startApp, type LocalApp } from '../engine/helpers.js';
import { ended } from '../support/process.js';
import { buildCli, type BuiltCli } from '../support/built-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'cli-protection-authtoken-SECRET';

interface Share {
  /** Resolves with the first JSON line pred accepts. */
  until(pred: (line: Record<string, string>) => boolean, timeoutMs?: number): Promise<Record<string, string>>;
  stop(): Promise<number | null>;
  readonly exit: Promise<number | null>;
  lines(): Record<string, string>[];
  output(): string;
}

let cli: BuiltCli;
before(async () => {
  cli = await buildCli();
});
after(() => cli.remove());

function share(args: string[], env: Record<string, string>): Share {
  const child = spawn(process.execPath, [cli.entry, 'share', ...args, '--json'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  /** The exit code, awaited with a bound: a share that doesn't end fails the test with its output. */
  const boundedExit = (): Promise<number | null> =>
    Promise.race([exited, ended(child, () => `${out}${err}`)]).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw e;
    });
  const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
  return {
    get exit() {
      return boundedExit();
    },
    lines,
    output: () => out + err,
    until(pred, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines().find(pred);
          if (!hit) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve(hit);
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      });
    },
    async stop() {
      child.kill('SIGTERM');
      return boundedExit();
    },
  };
}

describe('porthole share --json: the protection field', { timeout: 60_000 }, () => {
  let ing: Ingress;
  let app: LocalApp;
  let fa: FusionAuth;
  before(async () => {
    ing = await startIngress();
    app = await startApp('cli-protection');
    fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  });
  after(async () => {
    await ing.close();
    await app.close();
    await fa.close();
  });
  const ingress = () => ['--server-addr', ing.serverAddr, '--ca-file', ing.caFile];
  const sso = (mode: string) => ['--mode', mode, '--issuer', fa.issuer, '--client-id', fa.clientId, '--client-secret-env', 'FA_SECRET', '--allow-email', 'alice@example.test'];

  test('oidc-legacy: "protection":"protected"; no secret in the output', async () => {
    const run = share([String(app.port), '--name', 'legacy', ...sso('oidc-legacy'), ...ingress()], { FA_SECRET: fa.clientSecret });
    const line = await run.until((l) => 'protection' in l);
    assert.equal(line.state, 'online');
    assert.equal(line.protection, 'protected');
    assert.equal(ing.binds.find((b) => b.url === line.url)?.oidc?.issuer_url, fa.issuer);
    assert.equal(await run.stop(), 0);
    assert.deepEqual(run.lines().map((l) => l.protection ?? '-'), ['-', '-', 'protected', '-'], 'starting, online, verdict, stopped');
    assert.ok(!run.output().includes(fa.clientSecret) && !run.output().includes(TOKEN));
  });

  test('internal: "protection":"unknown" (not reachable from the internet)', async () => {
    const run = share([String(app.port), '--name', 'inner', '--mode', 'internal', ...ingress()], {});
    const line = await run.until((l) => 'protection' in l);
    assert.equal(line.state, 'online');
    assert.equal(line.url, 'https://inner.internal');
    assert.equal(line.protection, 'unknown');
    assert.equal(await run.stop(), 0);
  });

  test('a failed preflight: the last JSON line is the error with the check\'s message, exit 1, nothing bound', async () => {
    const binds = ing.binds.length;
    const run = share([String(app.port), '--name', 'badsecret', ...sso('oidc'), ...ingress()], { FA_SECRET: 'a-mistyped-client-secret' });
    assert.equal(await run.exit, 1);
    const last = run.lines().at(-1)!;
    assert.equal(last.state, 'error');
    assert.equal(last.code, 'PREFLIGHT_FAILED');
    assert.match(last.message!, /FusionAuth rejected the client id or client secret/);
    assert.equal(last.protection, undefined);
    assert.equal(ing.binds.length, binds, 'no Bind');
    assert.ok(!run.output().includes('a-mistyped-client-secret'));
  });
});
