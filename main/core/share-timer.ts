// core: share for a set time: `--for` durations, and a deadline timer that counts wall-clock time.
// Node's timers run on a monotonic clock that stands still while the machine sleeps, so a plain
// setTimeout(15 min) would keep a share open for 15 minutes of *awake* time, however long the
// lid was shut. The timer instead compares Date.now() with the deadline, on a short interval and
// whenever asked (after a resume), so a share whose time ran out during sleep stops on waking.
import { invalidInput, type PortholeError } from '../../common/errors.js';

type DurationResult = { ok: true; value: number } | { ok: false; errors: PortholeError[] };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };
/** Longer than any meeting or demo; a bigger number is almost surely a typo. */
const MAX_SHARE_MS = 7 * 24 * 3_600_000;
const DURATION_FIX = 'Give a number followed by s, m or h, e.g. 90s, 15m, 1h (or 1h30m).';

/**
 * `90s`, `15m`, `1h`, `1h30m` → milliseconds. An error names the field (default `--for`) and
 * quotes the value as given.
 */
export function parseDuration(text: string, field = '--for'): DurationResult {
  const s = text.trim().toLowerCase();
  const parts = /^(?:\d+[smh])+$/.test(s) ? [...s.matchAll(/(\d+)([smh])/g)] : [];
  if (!parts.length) return { ok: false, errors: [invalidInput(field, `"${text}" is not a duration`, DURATION_FIX)] };
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
  if (ms <= 0) return { ok: false, errors: [invalidInput(field, `"${text}" is no time at all`, DURATION_FIX)] };
  if (ms > MAX_SHARE_MS) return { ok: false, errors: [invalidInput(field, `"${text}" is longer than 7 days`, 'Share for at most 168h, or without --for until you stop it.')] };
  return { ok: true, value: ms };
}

/** "45 s left", "14 min left", "1 h 5 min left": for the tray and the window. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s left`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} min left`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${h} h ${rest} min left` : `${h} h left`;
}

/** The wall clock and an interval, injectable so tests can jump time as a sleeping machine does. */
export interface Clock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    h.unref(); // the share itself keeps the process alive, not its timer
    return h;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

interface ShareTimerOptions {
  durationMs: number;
  /** Called once, when the deadline has passed: stop the tunnel. */
  onExpire: () => void;
  clock?: Clock;
  /** How often the wall clock is looked at (default 1 s): the most a stop can be late after waking. */
  checkEveryMs?: number;
}

/** A deadline `durationMs` of wall-clock time from start(). */
export class ShareTimer {
  readonly durationMs: number;
  private readonly clock: Clock;
  private readonly every: number;
  private handle: unknown = null;
  private deadlineAt: number | null = null;
  private fired = false;

  constructor(private readonly opts: ShareTimerOptions) {
    this.durationMs = opts.durationMs;
    this.clock = opts.clock ?? systemClock;
    this.every = opts.checkEveryMs ?? 1000;
  }

  /** Start counting now; a second call is ignored. */
  start(): void {
    if (this.deadlineAt !== null) return;
    this.deadlineAt = this.clock.now() + this.durationMs;
    this.handle = this.clock.setInterval(() => this.check(), this.every);
  }

  /** The deadline (ms since the epoch), null before start(). */
  get deadline(): number | null {
    return this.deadlineAt;
  }

  /** Time left (0 once expired), null before start(). */
  remaining(): number | null {
    return this.deadlineAt === null ? null : Math.max(0, this.deadlineAt - this.clock.now());
  }

  get expired(): boolean {
    return this.fired;
  }

  /** Look at the wall clock now (call it on resume); true when the deadline has passed. */
  check(): boolean {
    if (this.fired) return true;
    if (this.deadlineAt === null || this.clock.now() < this.deadlineAt) return false;
    this.fired = true;
    this.cancel();
    this.opts.onExpire();
    return true;
  }

  /** Stop counting without expiring (the share was stopped by hand, or switched to "until I stop"). */
  cancel(): void {
    if (this.handle !== null) this.clock.clearInterval(this.handle);
    this.handle = null;
  }
}
