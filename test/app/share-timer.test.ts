// test: `--for` durations, and the share timer on an injected wall clock: it expires at the
// deadline, across a simulated sleep (the wall clock jumps while no interval ran), and on demand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRemaining, parseDuration, ShareTimer, systemClock, type Clock } from '../../main/core/share-timer.js';

test('parseDuration: 90s, 15m, 1h, 1h30m; errors name the flag and quote the value', () => {
  assert.deepEqual(parseDuration('90s'), { ok: true, value: 90_000 });
  assert.deepEqual(parseDuration('15m'), { ok: true, value: 900_000 });
  assert.deepEqual(parseDuration('1h'), { ok: true, value: 3_600_000 });
  assert.deepEqual(parseDuration(' 1H30m '), { ok: true, value: 5_400_000 });
  for (const bad of ['', '15', 'm', '1.5h', '-5m', '15 min', '1d', 'forever', '0s', '999h']) {
    const r = parseDuration(bad);
    assert.equal(r.ok, false, bad);
    if (r.ok) continue;
    assert.equal(r.errors[0]!.code, 'INVALID_INPUT');
    assert.equal(r.errors[0]!.field, '--for');
    assert.ok(r.errors[0]!.message.includes(`"${bad}"`), r.errors[0]!.message);
    assert.ok(r.errors[0]!.fix, bad);
  }
  const named = parseDuration('soon', 'shareFor');
  assert.ok(!named.ok && named.errors[0]!.field === 'shareFor');
});

test('formatRemaining: what the tray shows', () => {
  assert.equal(formatRemaining(45_000), '45 s left');
  assert.equal(formatRemaining(14 * 60_000 - 1), '14 min left');
  assert.equal(formatRemaining(65 * 60_000), '1 h 5 min left');
  assert.equal(formatRemaining(4 * 3_600_000), '4 h left');
  assert.equal(formatRemaining(-1), '0 s left');
});

/** A wall clock the test moves; `tick` runs the interval as the event loop would while awake. */
function fakeClock(start = 1_000_000): Clock & { t: number; tick(ms: number, step?: number): void; jump(ms: number): void; live: number } {
  const timers = new Map<number, { fn: () => void; every: number }>();
  let id = 0;
  const c = {
    t: start,
    live: 0,
    now: () => c.t,
    setInterval: (fn: () => void, every: number) => {
      timers.set(++id, { fn, every });
      c.live = timers.size;
      return id;
    },
    clearInterval: (h: unknown) => {
      timers.delete(h as number);
      c.live = timers.size;
    },
    tick(ms: number, step = 1000) {
      for (let done = 0; done < ms; done += step) {
        c.t += step;
        for (const tm of [...timers.values()]) tm.fn();
      }
    },
    /** Asleep: the wall clock moves, no timer runs. */
    jump(ms: number) {
      c.t += ms;
    },
  };
  return c;
}

test('the timer stops the share at its deadline, once', () => {
  const clock = fakeClock();
  let stops = 0;
  const timer = new ShareTimer({ durationMs: 90_000, onExpire: () => stops++, clock });
  assert.equal(timer.remaining(), null);
  timer.start();
  assert.equal(timer.deadline, 1_000_000 + 90_000);
  clock.tick(89_000);
  assert.equal(stops, 0);
  assert.equal(timer.remaining(), 1000);
  clock.tick(1000);
  assert.equal(stops, 1);
  assert.equal(timer.expired, true);
  assert.equal(clock.live, 0, 'the interval is cleared once expired');
  clock.tick(5000);
  assert.equal(timer.check(), true);
  assert.equal(stops, 1, 'expires once');
});

test('a machine that sleeps through the deadline stops the share on waking (first tick, or check() on resume)', () => {
  const clock = fakeClock();
  let stops = 0;
  const timer = new ShareTimer({ durationMs: 15 * 60_000, onExpire: () => stops++, clock });
  timer.start();
  clock.tick(5 * 60_000);
  clock.jump(60 * 60_000); // the lid was shut for an hour: monotonic timers stood still, the wall clock did not
  assert.equal(stops, 0, 'nothing ran while asleep');
  clock.tick(1000); // the first interval after waking
  assert.equal(stops, 1);

  const clock2 = fakeClock();
  let stops2 = 0;
  const t2 = new ShareTimer({ durationMs: 60_000, onExpire: () => stops2++, clock: clock2, checkEveryMs: 60_000 });
  t2.start();
  clock2.jump(2 * 60_000);
  assert.equal(t2.check(), true, 'on resume the owner asks at once, without waiting for the interval');
  assert.equal(stops2, 1);
});

test('a sleep that ends before the deadline does not stop the share; cancel() stops counting', () => {
  const clock = fakeClock();
  let stops = 0;
  const timer = new ShareTimer({ durationMs: 60 * 60_000, onExpire: () => stops++, clock });
  timer.start();
  clock.jump(30 * 60_000);
  assert.equal(timer.check(), false);
  assert.equal(timer.remaining(), 30 * 60_000);
  timer.cancel();
  clock.jump(60 * 60_000);
  clock.tick(5000);
  assert.equal(stops, 0, 'a cancelled timer never fires by itself');
  assert.equal(clock.live, 0);
});

test('the system clock: a real short share expires on its own', async () => {
  let resolve!: () => void;
  const fired = new Promise<void>((r) => (resolve = r));
  const started = Date.now();
  const timer = new ShareTimer({ durationMs: 120, onExpire: resolve, clock: systemClock, checkEveryMs: 20 });
  timer.start();
  // The interval is unref'd: keep the loop alive for the test.
  const keep = setTimeout(() => {}, 2000);
  await fired;
  clearTimeout(keep);
  assert.ok(Date.now() - started >= 120);
});
