// core: the deadline of each timed share ("Share for 15 min / 1 h / 4 h"). Wall-clock ShareTimers
// (main/core/share-timer.ts), so a machine that slept through a deadline stops the tunnel on waking
// (check() on resume). In memory only: a share never outlives the app that started it.
import { ShareTimer, type Clock } from './share-timer.js';

export interface Shares {
  /** Set (or replace) the tunnel's deadline `ms` from now. */
  set(name: string, ms: number): void;
  /** The deadline (ms since the epoch), undefined when shared until stopped. */
  deadline(name: string): number | undefined;
  /** How long the share in force was set for (ms), so every view ticks that choice; undefined until stopped. */
  duration(name: string): number | undefined;
  /** Forget the tunnel's deadline (stopped by hand, "until I stop", removed). */
  clear(name: string): void;
  /** Look at the wall clock now: every share past its deadline expires. */
  check(): void;
  /** True when some share has a deadline (the tray then shows the time left). */
  any(): boolean;
  cancelAll(): void;
}

export function createShares(onExpire: (name: string) => void, clock?: Clock, checkEveryMs?: number): Shares {
  const timers = new Map<string, ShareTimer>();
  const durations = new Map<string, number>();
  const clear = (name: string): void => {
    timers.get(name)?.cancel();
    timers.delete(name);
    durations.delete(name);
  };
  return {
    set(name, ms) {
      clear(name);
      const t: ShareTimer = new ShareTimer({
        durationMs: ms,
        ...(clock ? { clock } : {}),
        ...(checkEveryMs ? { checkEveryMs } : {}),
        onExpire: () => {
          if (timers.get(name) === t) (timers.delete(name), durations.delete(name));
          onExpire(name);
        },
      });
      timers.set(name, t);
      durations.set(name, ms);
      t.start();
    },
    deadline: (name) => timers.get(name)?.deadline ?? undefined,
    duration: (name) => (timers.has(name) ? durations.get(name) : undefined),
    clear,
    check: () => {
      for (const t of [...timers.values()]) t.check();
    },
    any: () => timers.size > 0,
    cancelAll: () => {
      for (const name of [...timers.keys()]) clear(name);
    },
  };
}
