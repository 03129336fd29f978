// core: who is looking, as the window, the tray and notifications hear of it. Each burst of requests
// (a page load is dozens) reaches the window as one `visitRecorded` push and the tray as one refresh;
// someone's first sign-in is announced unless the user switched that off.
import type { VisitRecorded } from '../../common/contract.js';
import type { NotifierPort } from '../ports.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { coalesce } from '../tray/refresh.js';
import type { Visits } from '../visits/recorder.js';

/** How long visits are gathered before the window and the tray hear of them. */
const VISIT_COALESCE_MS = 100;

interface VisitsFeedDeps {
  visits: Pick<Visits, 'on'>;
  store: Pick<SettingsStore, 'read'>;
  notifier: NotifierPort;
  /** The window's `visitRecorded` push (absent: no window to tell). */
  pushVisits?: (batch: VisitRecorded[]) => void;
  /** Refresh the tray (its "N people viewed" line). */
  refresh: () => void;
  /** At least this long between two pushes. */
  coalesceMs: number;
}

/** Starts the feed; `stop` ends it (quit). */
export function feedVisits(deps: VisitsFeedDeps): { stop(): void } {
  let batch: VisitRecorded[] = [];
  const flush = coalesce(() => {
    const out = batch;
    batch = [];
    deps.pushVisits?.(out);
    deps.refresh();
  }, Math.max(deps.coalesceMs, VISIT_COALESCE_MS));
  const offRequest = deps.visits.on('request', (record) => {
    batch.push({ tunnel: record.tunnel, record });
    flush();
  });
  const offNew = deps.visits.on('newVisitor', (n) => {
    if (deps.store.read().notifyNewVisitors === false) return;
    deps.notifier.notify({ title: n.title, body: n.body });
  });
  return {
    stop() {
      offRequest();
      offNew();
      flush.cancel();
    },
  };
}
