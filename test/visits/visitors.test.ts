// test: who looked: the visitor summary from request records, the tray's line, and the
// "someone new signed in" notice (once per person per tunnel, not for anonymous requests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestRecord } from '../../main/visits/log.js';
import { ago, NO_VISITS, summarize, trayLine, VisitorBook } from '../../main/visits/visitors.js';

const T0 = Date.parse('2025-06-01T10:00:00.000Z');
const rec = (user: string | null, minute: number, path = '/', tunnel = 'web'): RequestRecord => ({
  tunnel, at: new Date(T0 + minute * 60_000).toISOString(), user, method: 'GET', path, status: 200, ms: 3, bytes: 10,
});

test('visitors: each person once, first and last seen, request count, most recent first; anonymous counted apart', () => {
  const s = summarize([rec('alice@example.com', 0), rec('bob@example.com', 1), rec(null, 2), rec('Alice@Example.com', 5), rec('carol@example.com', 3)]);
  assert.deepEqual(s.visitors, [
    { user: 'alice@example.com', firstSeen: rec(null, 0).at, lastSeen: rec(null, 5).at, requests: 2 },
    { user: 'carol@example.com', firstSeen: rec(null, 3).at, lastSeen: rec(null, 3).at, requests: 1 },
    { user: 'bob@example.com', firstSeen: rec(null, 1).at, lastSeen: rec(null, 1).at, requests: 1 },
  ]);
  assert.equal(s.anonymous, 1);
  assert.deepEqual(summarize([]), NO_VISITS);
});

test('tray line: "3 people viewed · last: alice@example.com, 2 min ago"', () => {
  const s = summarize([rec('bob@example.com', 0), rec('carol@example.com', 1), rec('alice@example.com', 3)]);
  assert.equal(trayLine(s, T0 + 5 * 60_000), '3 people viewed · last: alice@example.com, 2 min ago');
  assert.equal(trayLine(summarize([rec('alice@example.com', 0)]), T0 + 10_000), '1 person viewed · last: alice@example.com, just now');
  assert.equal(trayLine(summarize([rec(null, 0), rec(null, 1)]), T0), '2 requests, nobody signed in');
  assert.equal(trayLine(NO_VISITS, T0), null);
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
  // The book is not bounded by the 1,000-request log: nobody who looked is forgotten.
  for (let i = 0; i < 1500; i++) book.add(rec('bob@example.com', 10 + i));
  assert.equal(book.summary('web').visitors.length, 2);
  book.clear('web');
  assert.deepEqual(book.summary('web'), NO_VISITS);
});
