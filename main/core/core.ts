// core: what every operation receives — the ports (main/ports.ts's CoreDeps), the secrets as the
// operations keep them, the engine kept in step with the settings, and the timed shares' deadlines.
import type { CoreDeps } from '../ports.js';
import type { EngineSync } from './engine-sync.js';
import type { SecretKeeper } from './secret-keeper.js';
import type { Shares } from './shares.js';

export interface Core {
  deps: CoreDeps;
  secrets: SecretKeeper;
  sync: EngineSync;
  shares: Shares;
}
