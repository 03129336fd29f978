// core: the visits of every tunnel as the rest of the app sees them (engine.visits): each tunnel's kept
// request log, its visitor summary, and two events, `request` (every completed request) and
// `newVisitor` (someone signed in to a tunnel for the first time). The recording proxies write into
// `log`; the book follows it, so a summary never lags behind the log it came from.
import { EventEmitter } from 'node:events';
import { VisitLog, type RequestRecord } from './log.js';
import type { VisitorGlance, VisitorSummary } from '../../common/visitors.js';
import { VisitorBook, type NewVisitorNotice } from './visitors.js';

interface VisitEvents {
  request: [RequestRecord];
  newVisitor: [NewVisitorNotice];
}

/** What the CLI, the tray and the window read of the visits. */
export interface Visits {
  /** The tunnel's kept requests (the last 1,000), oldest first. */
  list(tunnel: string): RequestRecord[];
  /** Who visited the tunnel (every visitor since it was added, not only those in the kept log). */
  summary(tunnel: string): VisitorSummary;
  /** What the tray's line says of the tunnel's visitors (known without listing them), null before any request. */
  glance(tunnel: string): VisitorGlance | null;
  /** Listen to completed requests or first visits; returns the unsubscribe. A throwing listener is ignored. */
  on<E extends keyof VisitEvents>(event: E, fn: (...args: VisitEvents[E]) => void): () => void;
  /** Forget a tunnel's requests and visitors. */
  clear(tunnel: string): void;
}

/** The visits and the log the recording proxies write into. */
interface VisitRecorder {
  visits: Visits;
  log: VisitLog;
}

export function createVisitRecorder(perTunnel?: number, visitorsKept?: number): VisitRecorder {
  const log = new VisitLog(perTunnel);
  const book = new VisitorBook(visitorsKept);
  const events = new EventEmitter<VisitEvents>();
  // The book first, so a `request` listener reading summary() sees the request counted.
  log.on('request', (r) => {
    const notice = book.add(r);
    if (notice) events.emit('newVisitor', notice);
    events.emit('request', r);
  });
  const visits: Visits = {
    list: (tunnel) => log.list(tunnel),
    summary: (tunnel) => book.summary(tunnel),
    glance: (tunnel) => book.glance(tunnel),
    on(event, fn) {
      // A listener's bug must not reach the proxy that emitted (it would break the visitor's request).
      const safe = (...args: Parameters<typeof fn>) => {
        try {
          fn(...args);
        } catch {
          /* ignored */
        }
      };
      events.on(event, safe as never);
      return () => void events.off(event, safe as never);
    },
    clear(tunnel) {
      log.clear(tunnel);
      book.clear(tunnel);
    },
  };
  return { visits, log };
}
