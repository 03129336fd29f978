// core: the desktop app's switch for ngrok's agent API (main/visits/agent-api.ts): served on loopback
// only while the setting is on, over the engine's kept exchanges and the stored tunnels. A port that
// can't be had is said in Settings; the app goes on without it.
import type { Engine, Inspector } from '../engine/engine.js';
import { upstreamUrlFor } from '../tunnel/forward-config.js';
import type { SettingsStore } from '../settings/settings-store.js';

export interface AgentApiSwitch {
  /** Start or stop serving; resolves once done (a failure is kept for status()). */
  apply(on: boolean): Promise<void>;
  /** Where it is served, or why it isn't. */
  status(): { url?: string; problem?: string };
  close(): Promise<void>;
}

export function createAgentApiSwitch(engine: Pick<Engine, 'get'>, inspector: Inspector, store: Pick<SettingsStore, 'read'>): AgentApiSwitch {
  let server: { url: string; close(): Promise<void> } | undefined;
  let problem: string | undefined;
  // One change at a time: two clicks can race.
  let queue: Promise<void> = Promise.resolve();
  const apply = (on: boolean): Promise<void> =>
    (queue = queue.then(async () => {
      if (!on) {
        problem = undefined;
        const s = server;
        server = undefined;
        await s?.close();
        return;
      }
      if (server) return;
      const { startAgentApi } = await import('../visits/agent-api.js');
      try {
        server = await startAgentApi({
          exchanges: inspector.exchanges,
          tunnels: () => store.read().tunnels.map((t) => ({ name: t.name, publicUrl: engine.get(t.name)?.url, addr: upstreamUrlFor(t.target) })),
          replay: (x) => inspector.replay(x.id),
        });
        problem = undefined;
      } catch (err) {
        problem = (err as Error).message;
      }
    }));
  return {
    apply,
    status: () => (server ? { url: server.url } : problem ? { problem } : {}),
    close: () => apply(false),
  };
}
