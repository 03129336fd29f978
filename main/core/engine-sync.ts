// core: keeps the engine in step with the stored settings — which tunnels it knows, and the ngrok
// session it was last given (compared, never logged). A tunnel is registered when it changes, not at
// every start: a start of a known, unchanged tunnel reads no secret and parses nothing.
import type { SessionSpec, TunnelSpec } from '../../common/types.js';
import { portholeError } from '../../common/errors.js';
import { windowField } from '../../common/fields.js';
import { parseSessionSpec, parseTunnelSpec } from '../tunnel/validate.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import type { StoredTunnel } from '../settings/schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { EnginePort } from '../ports.js';
import { fail, failAll } from './op-error.js';
import type { SecretKeeper } from './secret-keeper.js';

export interface EngineSync {
  /** True when the engine knows the tunnel. */
  knows(name: string): boolean;
  /**
   * The tunnel changed (saved, set up): give the engine it as now stored. `spec` is the same tunnel
   * already parsed with its client secret, when the caller has it: then nothing is read or parsed again.
   */
  register(t: StoredTunnel, spec?: TunnelSpec): Promise<void>;
  /** Before a start: register the tunnel only if the engine does not know it as stored (launch, or a failed save). */
  ensureRegistered(t: StoredTunnel): Promise<void>;
  /** Stop the tunnel and make the engine forget it. */
  unregister(name: string): Promise<void>;
  /** Before a start: give the engine its session if none was given yet. Fails when there is no authtoken. */
  ensureSession(): Promise<void>;
  /** The authtoken or the ingress changed: read them and give the engine the session if it differs. */
  refreshSession(): Promise<void>;
}

export function createEngineSync(engine: EnginePort, store: SettingsStore, secrets: SecretKeeper): EngineSync {
  /** Each tunnel the engine knows, as stored when it was registered (no secret in it). */
  const registered = new Map<string, string>();
  let sessionKey: string | undefined;

  /** The tunnel as the engine needs it: stored settings plus the client secret (read once here). */
  const fullSpec = async (t: StoredTunnel): Promise<TunnelSpec> => {
    const secret = t.fusionauth ? ((await secrets.get(SECRET_KEYS.clientSecret(t.name))) ?? '') : '';
    const r = parseTunnelSpec({ ...t, fusionauth: t.fusionauth ? { ...t.fusionauth, clientSecret: secret } : undefined });
    if (!r.ok) return failAll(r.errors);
    return r.value;
  };

  const session = async (): Promise<SessionSpec> => {
    const authtoken = await secrets.get(SECRET_KEYS.ngrokAuthtoken);
    if (!authtoken) return fail(portholeError('NO_AUTHTOKEN', { field: 'ngrokAuthtoken' }));
    const r = parseSessionSpec({ authtoken, ...store.read().ngrok });
    if (!r.ok) return failAll(r.errors.map((e) => ({ ...e, field: windowField(e.field ?? 'ngrokAuthtoken') })));
    return r.value;
  };

  const register = async (t: StoredTunnel, spec?: TunnelSpec): Promise<void> => {
    const full = spec ?? (await fullSpec(t));
    const r = registered.has(t.name) ? await engine.update(full) : engine.add(full);
    if (!r.ok) failAll(r.errors);
    registered.set(t.name, JSON.stringify(t));
  };

  const refreshSession = async (): Promise<void> => {
    const s = await session();
    const key = JSON.stringify(s);
    if (key === sessionKey) return;
    const set = await engine.setSession(s);
    if (!set.ok) failAll(set.errors);
    sessionKey = key;
  };

  return {
    knows: (name) => registered.has(name),
    register,
    async ensureRegistered(t) {
      if (registered.get(t.name) !== JSON.stringify(t)) await register(t);
    },
    async unregister(name) {
      if (!registered.has(name)) return;
      await engine.stop(name).catch(() => undefined);
      await engine.remove(name);
      registered.delete(name);
    },
    async ensureSession() {
      // An authtoken dropped since (or found unreadable) is missing now, whatever the engine still holds.
      if (!secrets.has(SECRET_KEYS.ngrokAuthtoken)) fail(portholeError('NO_AUTHTOKEN', { field: 'ngrokAuthtoken' }));
      if (sessionKey === undefined) await refreshSession();
    },
    refreshSession,
  };
}
