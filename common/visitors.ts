// pure: the one set of visitor rules, used by main (the tray, notices, `share`) and the window alike —
// who looked at a tunnel (each signed-in person with first and last seen and a request count, kept
// in a bounded, least-recently-seen-first book at O(1) per request), the tray's one-line summary,
// "ago" and byte sizes.
import type { VisitorView, VisitRecord } from './contract.js';

/** The people a tunnel's book keeps; the least recently seen are forgotten first. */
export const VISITORS_KEPT = 10_000;

/** A tunnel's visitors, most recent first; the requests nobody signed in for; how many people were forgotten. */
export interface VisitorSummary {
  visitors: VisitorView[];
  anonymous: number;
  forgotten: number;
}

export const NO_VISITS: VisitorSummary = { visitors: [], anonymous: 0, forgotten: 0 };

/**
 * One tunnel's visitors. A Map keeps insertion order, so moving a person to its end on each visit
 * keeps it ordered by recency without sorting. Who is oldest comes from a queue of (person, visit
 * number), not from the Map's first key: V8 finds a Map's first key by skipping every entry deleted
 * before it, which made each eviction cost more the longer the book had been full.
 */
export class TunnelVisitors {
  private readonly people = new Map<string, VisitorView>();
  /** Each visit's person and number, oldest first from `head`; an entry is stale once its person came again. */
  private queue: { key: string; visit: number }[] = [];
  private head = 0;
  private visits = 0;
  private readonly latestVisit = new Map<string, number>();
  private anonymous = 0;
  private forgotten = 0;
  private cached: VisitorSummary | null = null;
  private last: VisitorView | undefined;

  constructor(readonly capacity = VISITORS_KEPT) {}

  /** A book holding what a summary says (the window loads main's this way). */
  static from(s: VisitorSummary, capacity = VISITORS_KEPT): TunnelVisitors {
    const t = new TunnelVisitors(capacity);
    for (const v of [...s.visitors].reverse()) t.remember(v.user.toLowerCase(), { ...v });
    t.last = s.visitors[0] ? t.people.get(s.visitors[0].user.toLowerCase()) : undefined;
    t.anonymous = s.anonymous;
    t.forgotten = s.forgotten;
    return t;
  }

  /** Counts a request; true when it is its visitor's first (Porthole's own check is nobody). */
  add(r: Pick<VisitRecord, 'user' | 'at' | 'probe'>): boolean {
    if (r.probe) return false;
    this.cached = null;
    if (r.user === null) {
      this.anonymous += 1;
      return false;
    }
    const key = r.user.toLowerCase();
    const old = this.people.get(key);
    if (old) {
      this.people.delete(key);
      this.remember(key, { user: old.user, firstSeen: old.firstSeen < r.at ? old.firstSeen : r.at, lastSeen: old.lastSeen > r.at ? old.lastSeen : r.at, requests: old.requests + 1 });
      return false;
    }
    this.remember(key, { user: r.user, firstSeen: r.at, lastSeen: r.at, requests: 1 });
    if (this.people.size > this.capacity) this.forgetOldest();
    return true;
  }

  /** `v` as the person seen last. */
  private remember(key: string, v: VisitorView): void {
    this.last = v;
    this.people.set(key, v);
    this.visits += 1;
    this.latestVisit.set(key, this.visits);
    this.queue.push({ key, visit: this.visits });
    // Stale entries (people who came again) are dropped in bulk, so the queue stays within twice the book.
    if (this.queue.length - this.head > 2 * this.people.size + 64) {
      this.queue = this.queue.slice(this.head).filter((q) => this.latestVisit.get(q.key) === q.visit);
      this.head = 0;
    }
  }

  /** The least recently seen person goes; amortised O(1). */
  private forgetOldest(): void {
    while (this.head < this.queue.length) {
      const { key, visit } = this.queue[this.head++]!;
      if (this.latestVisit.get(key) !== visit) continue;
      this.people.delete(key);
      this.latestVisit.delete(key);
      this.forgotten += 1;
      break;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.people.size;
  }

  /** The person seen last, or undefined. */
  latest(): VisitorView | undefined {
    return this.last;
  }

  get anonymousCount(): number {
    return this.anonymous;
  }

  /** Most recent first; made when asked, kept until the next request. */
  summary(): VisitorSummary {
    this.cached ??= { visitors: [...this.people.values()].reverse(), anonymous: this.anonymous, forgotten: this.forgotten };
    return this.cached;
  }
}

/** "just now", "1 min ago", "2 h ago", "3 days ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return `${d} ${d === 1 ? 'day' : 'days'} ago`;
}

/** 345 B, 1.2 KB, 3.4 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What the tray's line says of a tunnel's visitors, known without listing them. */
export interface VisitorGlance {
  /** People seen (kept in the book). */
  count: number;
  anonymous: number;
  latest: VisitorView | undefined;
}

/**
 * The tray's line for a tunnel: "3 people viewed · last: alice@example.com, 2 min ago";
 * "12 requests, nobody signed in" when only anonymous ones came; null before the first request.
 */
export function trayLine(s: VisitorGlance, now: number): string | null {
  const last = s.latest;
  if (!last) {
    if (s.anonymous === 0) return null;
    return `${s.anonymous} ${s.anonymous === 1 ? 'request' : 'requests'}, nobody signed in`;
  }
  const n = s.count;
  return `${n} ${n === 1 ? 'person' : 'people'} viewed · last: ${last.user}, ${ago(now - Date.parse(last.lastSeen))}`;
}

/** The window's words for the people a full book forgot. */
export function forgottenNote(s: VisitorSummary): string | null {
  if (!s.forgotten) return null;
  return `Only the ${VISITORS_KEPT.toLocaleString('en')} people seen most recently are listed; ${s.forgotten.toLocaleString('en')} seen earlier ${s.forgotten === 1 ? 'was' : 'were'} forgotten.`;
}
