// test support: a local app to share, and waiting on an engine's views (shared by engine and CLI tests).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import type { TunnelSpec, TunnelView } from '../../common/types.js';
import { parseTunnelSpec } from '../../main/tunnel/validate.js';

export interface LocalApp {
  port: number;
  /** Requests seen, as 'METHOD path'. */
  seen: string[];
  close(): Promise<void>;
}

/** An HTTP app on 127.0.0.1:0 answering `hello <name> <path>`. */
export async function startApp(name = 'app'): Promise<LocalApp> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`hello ${name} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** GET a URL with no keep-alive; resolves with status and body, or rejects (e.g. ECONNREFUSED). */
export function get(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Resolves with the first view of `name` matching pred (the current one included), or rejects after timeoutMs. */
export function until(engine: Engine, name: string, pred: (v: TunnelView) => boolean, timeoutMs = 5000): Promise<TunnelView> {
  return new Promise((resolve, reject) => {
    const now = engine.get(name);
    if (now && pred(now)) return resolve(now);
    const t = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting on ${name}; it is ${JSON.stringify(engine.get(name))}`));
    }, timeoutMs);
    const off = engine.subscribe((v) => {
      if (v.name === name && pred(v)) {
        clearTimeout(t);
        off();
        resolve(v);
      }
    });
  });
}

/** Records every view published for each tunnel. */
export function record(engine: Engine): Map<string, TunnelView[]> {
  const seen = new Map<string, TunnelView[]>();
  engine.subscribe((v) => {
    const list = seen.get(v.name) ?? [];
    list.push(v);
    seen.set(v.name, list);
  });
  return seen;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A tunnel spec as a boundary (IPC, CLI) hands it to the engine: parsed, or the test fails here. */
export function spec(input: unknown): TunnelSpec {
  const r = parseTunnelSpec(input);
  if (!r.ok) throw new Error(`not a valid tunnel spec: ${JSON.stringify(r.errors)}`);
  return r.value;
}

export interface EngineRig {
  /** The loopback ingress and the app ('web'), set once the file's `before` hook ran. */
  ing: Ingress;
  app: LocalApp;
  /** An engine on the rig's ingress, stopped by the rig's hooks. */
  engine(extra?: Partial<Parameters<typeof createEngine>[0]>): Engine;
}

/**
 * Registers the file's hooks for engine tests on the REAL SDK: one ingress and one app for all its
 * tests. `token(n)` is the n-th engine's authtoken (one of its own lets each Auth at the ingress name
 * the engine that sent it). Engines stop after each test, so one left by a test that failed half-way
 * can't react to the next test's outage; with `stopEach: false` they all stop at the end instead.
 * `reset` runs after each test, before the engines stop.
 */
export function engineRig(o: { token: (n: number) => string; stopEach?: boolean; reset?: (ing: Ingress) => void }): EngineRig {
  const engines: Engine[] = [];
  let n = 0;
  const stopEngines = () => Promise.all(engines.splice(0).map((e) => e.stopAll()));
  const rig: EngineRig = {
    ing: undefined as unknown as Ingress,
    app: undefined as unknown as LocalApp,
    engine: (extra = {}) => {
      const e = createEngine({ session: { authtoken: o.token(++n), serverAddr: rig.ing.serverAddr, caPem: rig.ing.caPem }, ...extra });
      engines.push(e);
      return e;
    },
  };
  before(async () => {
    rig.ing = await startIngress();
    rig.app = await startApp('web');
  });
  if (o.stopEach !== false || o.reset) {
    afterEach(async () => {
      o.reset?.(rig.ing);
      if (o.stopEach !== false) await stopEngines();
    });
  }
  after(async () => {
    await stopEngines();
    await rig.ing.close();
    await rig.app.close();
  });
  return rig;
}
