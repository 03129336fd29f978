// test: who looked: the visitor summary from request records (one set of rules, common/visitors.ts,
// for main and the window), the tray's line, the "someone new signed in" notice (once per person per
// tunnel, not for anonymous requests), and the book's bound: 10,000 people at O(1) per request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, NO_VISITS, TunnelVisitors, VISITORS_KEPT, forgottenNote, trayLine as lineOf, type VisitorSummary } from '../../common/visitors.js';
import type { RequestRecord } from '../../main/visits/log.js';
import { VisitorBook } from '../../main/visits/visitors.js';

function summarize(records: RequestRecord[]): VisitorSummary {
  const t = new TunnelVisitors();
  for (const r of records) t.add(r);
  return t.summary();
}
function trayLine(records: RequestRecord[], now: number): string | null {
  const b = new VisitorBook();
  for (const r of records) b.add(r);
  const glance = b.glance('web');
  return glance ? lineOf(glance, now) : null;
}

const T0 = Date.parse('2025-06-01T10:00:00.000Z');
const rec = (user: string | null, minute: number, path = '/', tunnel = 'web'): RequestRecord => ({
  tunnel, at: new Date(T0 + minute * 60_000).toISOString(), user, method: 'GET', path, status: 200, ms: 3, bytes: 10,
});

test('visitors: each person once, first and last seen, request count, most recent first; anonymous counted apart', () => {
  const s = summarize([rec('alice@example.com', 0), rec('bob@example.com', 1), rec(null, 2), rec('carol@example.com', 3), rec('Alice@Example.com', 5)]);
  assert.deepEqual(s.visitors, [
    { user: 'alice@example.com', firstSeen: rec(null, 0).at, lastSeen: rec(null, 5).at, requests: 2 },
    { user: 'carol@example.com', firstSeen: rec(null, 3).at, lastSeen: rec(null, 3).at, requests: 1 },
    { user: 'bob@example.com', firstSeen: rec(null, 1).at, lastSeen: rec(null, 1).at, requests: 1 },
  ]);
  assert.equal(s.anonymous, 1);
  assert.deepEqual(summarize([]), NO_VISITS);
});

test('tray line: "3 people viewed · last: alice@example.com, 2 min ago"', () => {
  assert.equal(trayLine([rec('bob@example.com', 0), rec('carol@example.com', 1), rec('alice@example.com', 3)], T0 + 5 * 60_000), '3 people viewed · last: alice@example.com, 2 min ago');
  assert.equal(trayLine([rec('alice@example.com', 0)], T0 + 10_000), '1 person viewed · last: alice@example.com, just now');
  assert.equal(trayLine([rec(null, 0), rec(null, 1)], T0), '2 requests, nobody signed in');
  assert.equal(trayLine([], T0), null);
  assert.equal(trayLine([{ ...rec(null, 0), probe: true }], T0), null, "Porthole's own check is nobody");
  assert.equal(ago(59_000), 'just now');
  assert.equal(ago(3 * 3_600_000 + 5), '3 h ago');
  assert.equal(ago(26 * 3_600_000), '1 day ago');
  assert.equal(ago(-5000), 'just now', 'a clock set back never shows a negative time');
});

test('someone new: a notice on a person’s first request to a tunnel, never again, never for anonymous', () => {
  const book = new VisitorBook();
  const first = book.add(rec('alice@example.com', 0, '/docs'));
  assert.deepEqual(first, { tunnel: 'web', user: 'alice@example.com', title: 'alice@example.com opened web', body: 'First visit: GET /docs' });
  assert.equal(book.add(rec('alice@example.com', 1)), null);
  assert.equal(book.add(rec('ALICE@example.com', 2)), null, 'emails compare case-insensitively');
  assert.equal(book.add(rec(null, 3)), null);
  assert.ok(book.add(rec('alice@example.com', 4, '/', 'api')), 'another tunnel is another first visit');
  assert.ok(book.add(rec('bob@example.com', 5)));
  assert.equal(book.summary('web').visitors.length, 2);
  assert.equal(book.summary('web').visitors.find((v) => v.user === 'alice@example.com')!.requests, 3);
  assert.equal(book.summary('web').anonymous, 1);
  // The book is not bounded by the 1,000-request log.
  for (let i = 0; i < 1500; i++) book.add(rec('bob@example.com', 10 + i));
  assert.equal(book.summary('web').visitors.length, 2);
  assert.equal(book.add({ ...rec('probe@example.com', 2000), probe: true }), null, "the protection check's request is nobody's first visit");
  book.clear('web');
  assert.deepEqual(book.summary('web'), NO_VISITS);
});

test('bounded: at most 10,000 people, the least recently seen forgotten first, and the window says so', () => {
  const t = new TunnelVisitors(3);
  for (const [u, m] of [['a', 0], ['b', 1], ['c', 2], ['a', 3], ['d', 4]] as const) t.add(rec(`${u}@x.test`, m));
  assert.deepEqual(t.summary().visitors.map((v) => v.user), ['d@x.test', 'a@x.test', 'c@x.test'], 'b was seen least recently');
  assert.equal(t.summary().forgotten, 1);
  assert.equal(forgottenNote(t.summary()), 'Only the 10,000 people seen most recently are listed; 1 seen earlier was forgotten.');
  assert.equal(forgottenNote(NO_VISITS), null);
  assert.equal(VISITORS_KEPT, 10_000);
});

test('O(1) per request: 20,000 distinct visitors cost about twice 10,000, not four times', (t) => {
  const feed = (n: number): number => {
    const book = new VisitorBook();
    const records = Array.from({ length: n }, (_, i) => rec(`v${i}@x.test`, i));
    const t0 = process.hrtime.bigint();
    for (const r of records) {
      book.add(r);
      lineOf(book.glance('web')!, T0);
    }
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  feed(5000); // warm up
  const best = (n: number) => Math.min(feed(n), feed(n), feed(n));
  const small = best(10_000);
  const large = best(20_000);
  // A sort per request (the old book) made this ratio 4-5x, and so did evicting through the Map's first
  // key; linear is 2x; 3.5x leaves room for a noisy machine.
  t.diagnostic(`10,000: ${small.toFixed(1)} ms, 20,000: ${large.toFixed(1)} ms`);
  assert.ok(large < small * 3.5 + 10, `10,000: ${small.toFixed(1)} ms, 20,000: ${large.toFixed(1)} ms`);
  const book = new VisitorBook();
  for (let i = 0; i < 20_000; i++) book.add(rec(`v${i}@x.test`, i));
  assert.equal(book.summary('web').visitors.length, 10_000);
  assert.equal(book.summary('web').forgotten, 10_000);
});
