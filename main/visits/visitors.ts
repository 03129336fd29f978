// pure: every tunnel's visitor book (the rules are common/visitors.ts, shared with the window) and
// the "someone new signed in" notice.
import { TunnelVisitors, NO_VISITS, type VisitorGlance, type VisitorSummary } from '../../common/visitors.js';
import type { RequestRecord } from './log.js';

/** A notice that someone signed in to a tunnel for the first time. */
export interface NewVisitorNotice {
  tunnel: string;
  user: string;
  title: string;
  body: string;
}

/**
 * Keeps each tunnel's visitors (bounded: common/visitors.ts VISITORS_KEPT people, the least recently
 * seen forgotten first; not bounded by the 1,000-request log) and says when someone new signs in.
 * Feed it every record, in order.
 */
export class VisitorBook {
  private readonly byTunnel = new Map<string, TunnelVisitors>();

  constructor(private readonly capacity?: number) {}

  /** Count the request; the notice when it is its visitor's first. */
  add(r: RequestRecord): NewVisitorNotice | null {
    let t = this.byTunnel.get(r.tunnel);
    if (!t) this.byTunnel.set(r.tunnel, (t = new TunnelVisitors(this.capacity)));
    if (!t.add(r) || r.user === null) return null;
    return { tunnel: r.tunnel, user: r.user, title: `${r.user} opened ${r.tunnel}`, body: `First visit: ${r.method} ${r.path}` };
  }

  summary(tunnel: string): VisitorSummary {
    return this.byTunnel.get(tunnel)?.summary() ?? NO_VISITS;
  }

  /** What the tray's line says of the tunnel (the line itself is made by main/tray/model.ts); null before any request. */
  glance(tunnel: string): VisitorGlance | null {
    const t = this.byTunnel.get(tunnel);
    return t ? { anonymous: t.anonymousCount, count: t.size, latest: t.latest() } : null;
  }

  /** Forget a tunnel (removed, or its share ended and was started afresh). */
  clear(tunnel: string): void {
    this.byTunnel.delete(tunnel);
  }
}
