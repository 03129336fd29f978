// core: keeps the engine in step with the stored settings — which tunnels it knows, and the ngrok
// session it was last given (compared, never logged).
import type { SessionSpec, TunnelSpec } from '../../common/types.js';
import { invalidInput, portholeError } from '../../common/errors.js';
import { windowField } from '../../common/fields.js';
import { fieldOf, parseTunnelSpec, sessionSpecSchema } from '../tunnel/validate.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import type { StoredTunnel } from '../settings/schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { EnginePort } from '../ports.js';
import { fail, failAll } from './op-error.js';
import type { SecretKeeper } from './secret-keeper.js';

export interface EngineSync {
  /** True when the engine knows the tunnel. */
  knows(name: string): boolean;
  /** Make sure the engine knows the tunnel as currently stored (with its client secret). */
  register(t: StoredTunnel): Promise<void>;
  /** Stop the tunnel and make the engine forget it. */
  unregister(name: string): Promise<void>;
  /** Give the engine its session when the authtoken or ingress changed. Fails when there is no authtoken. */
  ensureSession(): Promise<void>;
}

export function createEngineSync(engine: EnginePort, store: SettingsStore, secrets: SecretKeeper): EngineSync {
  const inEngine = new Set<string>();
  let sessionKey: string | undefined;

  /** The tunnel as the engine needs it: stored settings plus the client secret. */
  const fullSpec = async (t: StoredTunnel): Promise<TunnelSpec> => {
    const secret = t.fusionauth ? ((await secrets.get(SECRET_KEYS.clientSecret(t.name))) ?? '') : '';
    const r = parseTunnelSpec({ ...t, fusionauth: t.fusionauth ? { ...t.fusionauth, clientSecret: secret } : undefined });
    if (!r.ok) return failAll(r.errors);
    return r.value;
  };

  const session = async (): Promise<SessionSpec> => {
    const authtoken = await secrets.get(SECRET_KEYS.ngrokAuthtoken);
    if (!authtoken) return fail(portholeError('NO_AUTHTOKEN', { field: 'ngrokAuthtoken' }));
    const r = sessionSpecSchema.safeParse({ authtoken, ...store.read().ngrok });
    if (!r.success) return failAll(r.error.issues.map((i) => invalidInput(windowField(fieldOf(i.path)), `${fieldOf(i.path)} ${i.message}`)));
    const s: SessionSpec = { authtoken: r.data.authtoken };
    if (r.data.serverAddr) s.serverAddr = r.data.serverAddr;
    if (r.data.caPem) s.caPem = r.data.caPem;
    return s;
  };

  return {
    knows: (name) => inEngine.has(name),
    async register(t) {
      const spec = await fullSpec(t);
      const r = inEngine.has(t.name) ? await engine.update(spec) : engine.add(spec);
      if (!r.ok) failAll(r.errors);
      inEngine.add(t.name);
    },
    async unregister(name) {
      if (!inEngine.has(name)) return;
      await engine.stop(name).catch(() => undefined);
      await engine.remove(name);
      inEngine.delete(name);
    },
    async ensureSession() {
      const s = await session();
      const key = JSON.stringify(s);
      if (key === sessionKey) return;
      const set = await engine.setSession(s);
      if (!set.ok) failAll(set.errors);
      sessionKey = key;
    },
  };
}
