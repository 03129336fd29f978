// test: the preload as shipped — esbuild's bundle of preload/index.ts — is one CommonJS file that requires
// only `electron`, and exposes exactly the PortholeApi. Electron can't run here, so the bundle runs in a
// bare vm context whose `require` knows only a recording stand-in for electron's contextBridge/ipcRenderer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { CHANNELS, INVOKE_KEYS, type PortholeApi } from '../../common/contract.js';
// @ts-expect-error: a plain .mjs build script, no type declarations
import { buildPreload } from '../../scripts/build.mjs';

let dir: string;
let code: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-preload-'));
  code = readFileSync(await buildPreload(join(dir, 'index.cjs')), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  api: PortholeApi;
  required: string[];
  invokes: [string, unknown][];
  listeners: Map<string, Set<(...args: unknown[]) => void>>;
}

/** Runs the bundle the way Electron's sandboxed preload loader does: a CJS wrapper, a restricted require. */
function load(): Loaded {
  const required: string[] = [];
  const invokes: [string, unknown][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const exposed: Record<string, unknown> = {};
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        invokes.push([channel, payload]);
        return { ok: true, value: channel };
      },
      on: (channel: string, fn: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
    },
  };
  const require = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  const module = { exports: {} };
  // a syntax error here (import/export statements) means the bundle is not CommonJS
  runInNewContext(`(function (exports, require, module) {\n${code}\n})`, { console })(module.exports, require, module);
  assert.ok(exposed.porthole, 'window.porthole was exposed');
  return { api: exposed.porthole as PortholeApi, required, invokes, listeners };
}

test('the preload bundle is CommonJS and requires nothing but electron', () => {
  assert.doesNotMatch(code, /^\s*(import|export)\s/m);
  const requires = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
  const { required } = load();
  assert.deepEqual([...new Set(required)], ['electron']);
});

test('window.porthole has one method per invoke channel plus onState/onNavigate, and nothing else', () => {
  const { api } = load();
  const expected = [...INVOKE_KEYS, 'onState', 'onNavigate', 'onVisits'].sort();
  assert.deepEqual(Object.keys(api).sort(), expected);
  for (const key of expected) assert.equal(typeof (api as unknown as Record<string, unknown>)[key], 'function');
  // never ipcRenderer itself, nor a generic invoke/send
  for (const banned of ['invoke', 'send', 'on', 'ipcRenderer']) assert.ok(!(banned in api));
});

test('each method invokes its own channel with the payload as given', async () => {
  const { api, invokes } = load();
  const draft = { name: 'web', target: '3000', mode: 'oidc' as const, startWithPorthole: false };
  assert.deepEqual(await api.saveTunnel(draft), { ok: true, value: CHANNELS.saveTunnel });
  await api.getState();
  await api.probePort({ port: 8080 });
  assert.deepEqual(invokes, [
    [CHANNELS.saveTunnel, draft],
    [CHANNELS.getState, undefined],
    [CHANNELS.probePort, { port: 8080 }],
  ]);
});

test('onState passes the snapshot only (never the IpcRendererEvent) and unsubscribes', () => {
  const { api, listeners } = load();
  const got: unknown[][] = [];
  const off = api.onState((...args: unknown[]) => got.push(args));
  const handlers = listeners.get(CHANNELS.stateChanged)!;
  assert.equal(handlers.size, 1);
  const event = { sender: 'ipcRenderer', senderId: 0 };
  for (const h of handlers) h(event, { tunnels: [] });
  assert.deepEqual(got, [[{ tunnels: [] }]]);
  off();
  assert.equal(handlers.size, 0);

  const intents: unknown[][] = [];
  const offNav = api.onNavigate((...args: unknown[]) => intents.push(args));
  for (const h of listeners.get(CHANNELS.windowNavigate)!) h(event, { kind: 'new-tunnel' });
  assert.deepEqual(intents, [[{ kind: 'new-tunnel' }]]);
  offNav();
  assert.equal(listeners.get(CHANNELS.windowNavigate)!.size, 0);
});
