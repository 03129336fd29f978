// pure: who looked at a tunnel, from its request records: each signed-in person with first and last
// seen and a request count, the tray's one-line summary, and the "someone new signed in" notice.
import type { RequestRecord } from './log.js';

/** One person who signed in and reached the app. */
export interface Visitor {
  user: string;
  /** ISO times of their first and latest request. */
  firstSeen: string;
  lastSeen: string;
  requests: number;
}

/** A tunnel's visitors, most recent first, and the requests nobody signed in for. */
export interface VisitorSummary {
  visitors: Visitor[];
  anonymous: number;
}

export const NO_VISITS: VisitorSummary = { visitors: [], anonymous: 0 };

/** The summary with one more request counted (a new value; the old one is not changed). */
export function addVisit(s: VisitorSummary, r: RequestRecord): VisitorSummary {
  if (r.user === null) return { visitors: s.visitors, anonymous: s.anonymous + 1 };
  const key = r.user.toLowerCase();
  const old = s.visitors.find((v) => v.user.toLowerCase() === key);
  const others = s.visitors.filter((v) => v !== old);
  const lastSeen = old && old.lastSeen > r.at ? old.lastSeen : r.at;
  const firstSeen = old && old.firstSeen < r.at ? old.firstSeen : r.at;
  const updated: Visitor = { user: old?.user ?? r.user, firstSeen, lastSeen, requests: (old?.requests ?? 0) + 1 };
  const visitors = [updated, ...others].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
  return { visitors, anonymous: s.anonymous };
}

/** The summary of a list of records (e.g. a tunnel's kept log). */
export function summarize(records: readonly RequestRecord[]): VisitorSummary {
  return records.reduce(addVisit, NO_VISITS);
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

/**
 * The tray's line for a tunnel: "3 people viewed · last: alice@example.com, 2 min ago";
 * "12 requests, nobody signed in" when only anonymous ones came; null before the first request.
 */
export function trayLine(s: VisitorSummary, now: number): string | null {
  const last = s.visitors[0];
  if (!last) {
    if (s.anonymous === 0) return null;
    return `${s.anonymous} ${s.anonymous === 1 ? 'request' : 'requests'}, nobody signed in`;
  }
  const n = s.visitors.length;
  return `${n} ${n === 1 ? 'person' : 'people'} viewed · last: ${last.user}, ${ago(now - Date.parse(last.lastSeen))}`;
}

/** A notice that someone signed in to a tunnel for the first time. */
export interface NewVisitorNotice {
  tunnel: string;
  user: string;
  title: string;
  body: string;
}

/** The notice for `r` when its visitor is not in `before` (the summary without `r`), else null. */
export function newVisitorNotice(before: VisitorSummary, r: RequestRecord): NewVisitorNotice | null {
  if (r.user === null) return null;
  const key = r.user.toLowerCase();
  if (before.visitors.some((v) => v.user.toLowerCase() === key)) return null;
  return { tunnel: r.tunnel, user: r.user, title: `${r.user} opened ${r.tunnel}`, body: `First visit: ${r.method} ${r.path}` };
}

/**
 * Keeps each tunnel's running summary (not bounded by the 1,000-request log, so nobody is forgotten)
 * and says when someone new signs in. Feed it every record, in order.
 */
export class VisitorBook {
  private readonly byTunnel = new Map<string, VisitorSummary>();

  /** Count the request; the notice when it is its visitor's first. */
  add(r: RequestRecord): NewVisitorNotice | null {
    const before = this.summary(r.tunnel);
    this.byTunnel.set(r.tunnel, addVisit(before, r));
    return newVisitorNotice(before, r);
  }

  summary(tunnel: string): VisitorSummary {
    return this.byTunnel.get(tunnel) ?? NO_VISITS;
  }

  /** Forget a tunnel (removed, or its share ended and was started afresh). */
  clear(tunnel: string): void {
    this.byTunnel.delete(tunnel);
  }
}
