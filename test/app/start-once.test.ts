// test: a start reads no secret and parses nothing it already did — the operations over the real store,
// AES-GCM secrets behind a counting port, the real parser and the real engine (wrapped to count what it
// is handed) on the loopback ingress, with a real OpenID provider for the preflight. A tunnel is given
// to the engine when it changes (saved: already parsed, secret included), or at its first start after
// launch; a start of a known, unchanged tunnel decrypts nothing and registers nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { createOperations, type Operations } from '../../main/core/operations.js';
import type { CoreDeps, EnginePort } from '../../main/ports.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS, type SecretStore } from '../../main/settings/secrets.js';
import type { TunnelSpec } from '../../common/types.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';

/** What each start cost: secrets decrypted (by key) and tunnels handed to the engine (each one parse). */
interface Counts {
  decrypted: Record<string, number>;
  registered: string[];
}

/** The real secret store, counting each value it decrypts. */
function countingSecrets(real: SecretStore, counts: Counts): SecretStore {
  return {
    ...real,
    async get(key) {
      const value = await real.get(key);
      if (value !== undefined) counts.decrypted[key] = (counts.decrypted[key] ?? 0) + 1;
      return value;
    },
  };
}

/** The real engine, noting each tunnel it is given (a new spec object: one parse made it). */
function countingEngine(engine: Engine, counts: Counts, specs: TunnelSpec[]): EnginePort {
  return {
    list: () => engine.list(),
    get: (n) => engine.get(n),
    start: (n) => engine.start(n),
    stop: (n) => engine.stop(n),
    verify: (n) => engine.verify(n),
    remove: (n) => engine.remove(n),
    setSession: (s) => engine.setSession(s),
    add(spec) {
      counts.registered.push(`add ${spec.name}`);
      specs.push(spec);
      return engine.add(spec);
    },
    update(spec) {
      counts.registered.push(`update ${spec.name}`);
      specs.push(spec);
      return engine.update(spec);
    },
  };
}

describe('validate once, decrypt once: what a start costs', { timeout: 90_000 }, () => {
  let ing: Ingress;
  let idp: FusionAuth;
  let upstream: http.Server;
  let port = 0;
  const dirs: string[] = [];
  const engines: Engine[] = [];

  before(async () => {
    ing = await startIngress();
    idp = await startFusionAuth();
    upstream = http.createServer((_q, s) => s.end('local app'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    port = (upstream.address() as AddressInfo).port;
  });
  after(async () => {
    for (const e of engines) await e.stopAll();
    await ing?.close();
    await idp?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const key = Buffer.alloc(32, 5);

  /** The operations on the settings folder `cwd` (a launch of the app), with fresh counters. */
  async function launch(cwd: string) {
    const counts: Counts = { decrypted: {}, registered: [] };
    const specs: TunnelSpec[] = [];
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    const engine = createEngine({ session: { authtoken: '' }, preflight: createPreflight({ timeoutMs: 5000 }) });
    engines.push(engine);
    const deps: CoreDeps = {
      store: settings,
      secrets: countingSecrets(createSecretStore(secretsBackend, createAesGcmEncryptor(key)), counts),
      engine: countingEngine(engine, counts, specs),
      preflight: createPreflight({ timeoutMs: 5000 }),
      clipboard: { writeText: () => undefined },
      openExternal: async () => undefined,
      loginItem: { get: () => false, set: () => undefined },
      listPorts: async () => [],
      probePort: async () => false,
      importAuthtoken: async () => ({ ok: false, error: { code: 'NO_AUTHTOKEN', message: 'none' } }),
      qrDataUrl: async () => 'data:,',
    };
    const ops: Operations = createOperations(deps);
    await ops.init();
    const reset = (): void => void ((counts.decrypted = {}), (counts.registered = []));
    return { ops, counts, specs, engine, reset };
  }

  /** Start, wait for online, stop: what it cost. */
  async function startStop(ops: Operations, name: string): Promise<void> {
    const v = await ops.startTunnel(name);
    assert.equal(v.state, 'online', JSON.stringify(v));
    await ops.stopTunnel(name);
  }

  const CLIENT_SECRET = SECRET_KEYS.clientSecret('web');
  const AUTHTOKEN = SECRET_KEYS.ngrokAuthtoken;

  test('a saved tunnel starts with no secret read and nothing parsed again; after a launch, its first start reads and parses it once', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-start-once-'));
    dirs.push(cwd);
    const boot = openSettingsStore({ cwd });
    boot.settings.write({ tunnels: [], startAtLogin: false, ngrok: { serverAddr: ing.serverAddr, caPem: ing.caPem } });
    await createSecretStore(boot.secretsBackend, createAesGcmEncryptor(key)).set(AUTHTOKEN, 'start-once-token');

    const a = await launch(cwd);
    assert.deepEqual(a.counts.decrypted, { [AUTHTOKEN]: 1 }, 'launch reads the authtoken once for the session');
    a.reset();

    // Saved: parsed once, and the engine gets that very spec (secret included), not a second parse.
    const fusionauth = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, allowEmails: [], allowDomains: [], scopes: [] };
    await a.ops.saveTunnel({ name: 'web', target: String(port), mode: 'oidc', startWithPorthole: false, fusionauth });
    assert.deepEqual(a.counts.registered, ['add web']);
    assert.deepEqual(a.counts.decrypted, {}, 'the typed secret is used as typed');
    assert.equal(a.specs.at(-1)?.fusionauth?.clientSecret, idp.clientSecret);
    a.reset();

    for (let i = 0; i < 3; i++) await startStop(a.ops, 'web');
    assert.deepEqual(a.counts, { decrypted: {}, registered: [] }, 'three starts of an unchanged tunnel: nothing decrypted, nothing registered');

    // An edit that keeps the stored secret: read once for the edit, and the engine gets the result.
    const { clientSecret: _kept, ...noSecret } = fusionauth;
    await a.ops.saveTunnel({ previousName: 'web', name: 'web', target: String(port), mode: 'oidc', startWithPorthole: false, record: false, fusionauth: noSecret });
    assert.deepEqual(a.counts, { decrypted: { [CLIENT_SECRET]: 1 }, registered: ['update web'] });
    assert.equal(a.specs.at(-1)?.record, false, 'the parser keeps the recording choice: nobody adds it back');
    a.reset();
    await startStop(a.ops, 'web');
    assert.deepEqual(a.counts, { decrypted: {}, registered: [] }, 'a start after the edit');

    // The next launch: init reads each client secret once (an unreadable one is asked for at once);
    // the first start gives the engine the tunnel, read and parsed once; later starts cost nothing.
    const b = await launch(cwd);
    assert.deepEqual(b.counts.decrypted, { [AUTHTOKEN]: 1, [CLIENT_SECRET]: 1 });
    b.reset();
    await startStop(b.ops, 'web');
    assert.deepEqual(b.counts, { decrypted: { [CLIENT_SECRET]: 1 }, registered: ['add web'] }, 'first start after launch');
    assert.equal(b.specs.at(-1)?.record, false, 'the stored recording choice reaches the engine');
    b.reset();
    await startStop(b.ops, 'web');
    await startStop(b.ops, 'web');
    assert.deepEqual(b.counts, { decrypted: {}, registered: [] }, 'later starts');
  });

  test('without an authtoken a start still fails, naming it, after the authtoken was removed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-start-once-'));
    dirs.push(cwd);
    const boot = openSettingsStore({ cwd });
    boot.settings.write({ tunnels: [{ name: 'pub', target: String(port), mode: 'public', startWithPorthole: false }], startAtLogin: false, ngrok: { serverAddr: ing.serverAddr, caPem: ing.caPem } });
    await createSecretStore(boot.secretsBackend, createAesGcmEncryptor(key)).set(AUTHTOKEN, 'start-once-token');
    const a = await launch(cwd);
    await startStop(a.ops, 'pub');
    await a.ops.saveCredentials({ ngrokAuthtoken: '' });
    await assert.rejects(a.ops.startTunnel('pub'), (e: { error?: { code?: string; field?: string } }) => e.error?.code === 'NO_AUTHTOKEN' && e.error.field === 'ngrokAuthtoken');
    a.reset();
    await a.ops.saveCredentials({ ngrokAuthtoken: 'start-once-token-2' });
    await startStop(a.ops, 'pub');
    assert.equal(ing.auths.at(-1)?.authtoken, 'start-once-token-2', 'the new authtoken reached the session');
    assert.deepEqual(a.counts.registered, [], 'the tunnel was known and unchanged');
  });
});
