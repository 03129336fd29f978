// core: what the app's operations work through beyond main/ports.ts's CoreDeps — the visits the engine
// records, the wall clock of timed shares, and the FusionAuth API client (tests: short timeouts).
import type { CoreDeps } from '../ports.js';
import type { Visits } from '../visits/recorder.js';
import type { Inspector } from '../engine/engine.js';
import type { AgentApiSwitch } from './agent-api-switch.js';
import type { Clock } from '../visits/share-timer.js';
import type { FusionAuthSetupDeps } from './fusionauth.js';

export interface AppCoreDeps extends CoreDeps {
  /** The engine's visits (engine.visits); without them a tunnel shows no visitors. */
  visits?: Pick<Visits, 'list' | 'summary' | 'trayLine'>;
  /** The wall clock of timed shares and "2 min ago" (tests jump it as a sleeping machine does). */
  clock?: Clock;
  /** How often a share's deadline is looked at (default 1 s). */
  shareCheckEveryMs?: number;
  /** A timed share reached its deadline and its tunnel was stopped. */
  onShareEnded?: (name: string) => void;
  /** The engine's inspector (engine.inspector): the window's request details. */
  inspector?: Inspector;
  /** ngrok's agent API on loopback, switched by the setting (main/core/agent-api-switch.ts). */
  agentApi?: AgentApiSwitch;
  /** Tests: the FusionAuth API client (default main/fusionauth/client.ts's). */
  fusionauthApi?: FusionAuthSetupDeps['api'];
}
