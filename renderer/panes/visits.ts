// browser: who is looking at a tunnel — its visitors (each person: first and last seen, requests) and
// the live request log with filters (visitor, status, path), kept per tunnel and fed by main's
// `visitRecorded` push. The section's DOM lives across the tunnel pane's re-renders, so a filter being
// typed in is never rebuilt under the user's fingers.

import type { TunnelDraft, TunnelEntry, VisitRecord, VisitRecorded, VisitorView } from '../../common/contract.js';
import { hostCheckFix } from '../../common/host-check.js';
import { ago as agoMs, forgottenNote, formatBytes, TunnelVisitors } from '../../common/visitors.js';
import { api } from '../api.js';
import { inspectorFor } from './inspect.js';
import { h } from '../dom.js';
import { wireNotifyNewVisitors } from '../fields.js';
import { state, upsertEntry } from '../state.js';
import { toast } from '../ui.js';

interface Book {
  requests: VisitRecord[];
  people: TunnelVisitors;
}
interface Panel {
  el: HTMLElement;
  redraw(): void;
}

/** Main keeps the last 1,000 per tunnel; so does the window. */
const KEEP = 1000;
/** Rows drawn at once: enough to read, few enough to stay quick on every push. */
const ROWS = 200;
const books = new Map<string, Book>();
const panels = new Map<string, Panel>();

/** One more request in the book: main's own visitor rules (common/visitors.ts). */
function count(b: Book, r: VisitRecord): void {
  b.requests.push(r);
  if (b.requests.length > KEEP) b.requests.splice(0, b.requests.length - KEEP);
  b.people.add(r);
}

/** A batch from main: into each loaded book, then the panels shown redraw once. */
export function onVisitsPush(batch: VisitRecorded[]): void {
  const touched = new Set<string>();
  for (const { tunnel, record } of batch) {
    const b = books.get(tunnel);
    if (!b) continue; // not loaded yet: the load brings it
    count(b, record);
    touched.add(tunnel);
  }
  for (const t of touched) if (panels.get(t)?.el.isConnected) panels.get(t)!.redraw();
}

const ago = (iso: string): string => agoMs(Date.now() - Date.parse(iso));
const clock = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function visitorsTable(b: Book, pick: (user: string) => void): HTMLElement {
  const { visitors, anonymous } = b.people.summary();
  const forgotten = forgottenNote(b.people.summary());
  if (!visitors.length && !anonymous) return h('p', { class: 'muted small', 'data-role': 'no-visitors' }, 'Nobody has visited yet. People appear here once they have signed in and opened the URL.');
  const row = (v: VisitorView): HTMLElement =>
    h(
      'tr',
      { 'data-visitor': v.user },
      h('td', {}, h('button', { class: 'btn link visitor-pick', type: 'button', title: `${v.user}: show only their requests`, onclick: () => pick(v.user) }, v.user)),
      h('td', { title: v.firstSeen }, `${clock(v.firstSeen)} · ${ago(v.firstSeen)}`),
      h('td', { title: v.lastSeen }, `${clock(v.lastSeen)} · ${ago(v.lastSeen)}`),
      h('td', { class: 'num' }, String(v.requests)),
    );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'visitors', 'data-role': 'visitors' }, h('thead', {}, h('tr', {}, h('th', {}, 'Person'), h('th', {}, 'First seen'), h('th', {}, 'Last seen'), h('th', { class: 'num' }, 'Requests'))), h('tbody', {}, ...visitors.slice(0, ROWS).map(row))),
    visitors.length > ROWS ? h('p', { class: 'muted small', 'data-role': 'visitors-more' }, `The ${ROWS} seen most recently of ${visitors.length.toLocaleString('en')} people.`) : null,
    forgotten ? h('p', { class: 'muted small', 'data-role': 'visitors-forgotten' }, forgotten) : null,
    anonymous ? h('p', { class: 'muted small', 'data-role': 'anonymous' }, `${anonymous} ${anonymous === 1 ? 'request' : 'requests'} without a sign-in (ngrok’s sign-in pages, or a public tunnel).`) : null,
  );
}

interface Filters {
  user: HTMLSelectElement;
  status: HTMLSelectElement;
  path: HTMLInputElement;
}

function filterControls(): Filters {
  return {
    user: h('select', { id: 'log-user', 'aria-label': 'Visitor' }),
    status: h(
      'select',
      { id: 'log-status', 'aria-label': 'Status' },
      ...[['', 'Any status'], ['2', '2xx success'], ['3', '3xx redirect'], ['4', '4xx refused'], ['5', '5xx failed']].map(([v, t]) => h('option', { value: v! }, t!)),
    ),
    path: h('input', { id: 'log-path', type: 'search', spellcheck: 'false', placeholder: 'Path contains…', 'aria-label': 'Path contains' }),
  };
}

/** The visitor choices: everyone, each person, nobody signed in; the current choice kept. */
function fillUsers(sel: HTMLSelectElement, b: Book): void {
  const now = sel.value;
  sel.replaceChildren(h('option', { value: '' }, 'Everyone'), ...b.people.summary().visitors.slice(0, ROWS).map((v: VisitorView) => h('option', { value: v.user }, v.user)), h('option', { value: '\u0000' }, 'Not signed in'));
  sel.value = [...sel.options].some((o) => o.value === now) ? now : '';
}

function matches(f: Filters, r: VisitRecord): boolean {
  if (f.user.value === '\u0000' ? r.user !== null : f.user.value && r.user?.toLowerCase() !== f.user.value.toLowerCase()) return false;
  if (f.status.value && String(r.status)[0] !== f.status.value) return false;
  const p = f.path.value.trim().toLowerCase();
  return !p || r.path.toLowerCase().includes(p);
}

/** Which request a details row belongs to, across redraws: the inspector's id, else what the record says. */
const requestKey = (r: VisitRecord): string => r.id ?? JSON.stringify([r.at, r.method, r.path, r.user]);

/** Under a request, the whole of it: method and path wrapped, who, when (with the date), status, time and size. */
const detailsRow = (r: VisitRecord): HTMLElement =>
  h(
    'tr',
    { class: 'request-details', 'data-role': 'request-details' },
    h(
      'td',
      { colspan: 6 },
      h('span', { class: 'request-full' }, h('span', { class: 'method' }, r.method), ' ', r.path),
      h('span', { class: 'request-facts small' }, `${r.replayed ? 'Replayed by you' : r.probe ? 'Porthole’s check' : (r.user ?? 'Not signed in')} · ${new Date(r.at).toLocaleString()} · ${r.status} · ${r.ms} ms · ${formatBytes(r.bytes)}`),
      inspectorFor(r),
    ),
  );

/** The newest matching requests; a long path ends in … with the whole on hover and in the details row `open` keeps. */
function logRows(b: Book, f: Filters, open: Set<string>, toggle: (key: string) => void): { rows: HTMLElement[]; shown: number; total: number } {
  const hits = b.requests.filter((r) => matches(f, r));
  const shown = hits.slice(-ROWS).reverse();
  const rows = shown.flatMap((r) => {
    const key = requestKey(r);
    const expanded = open.has(key);
    const row = h(
      'tr',
      { 'data-status': String(r.status) },
      h('td', { title: r.at }, clock(r.at)),
      h('td', { class: r.user ? '' : 'muted', title: r.user ?? undefined, 'data-role': r.probe ? 'probe' : r.replayed ? 'replayed' : 'visitor' }, r.probe ? 'Porthole’s check' : r.replayed ? 'replayed by you' : (r.user ?? '—')),
      h(
        'td',
        { class: 'req' },
        h(
          'button',
          { class: 'req-open', type: 'button', 'data-action': 'request-details', 'data-key': key, 'aria-expanded': expanded ? 'true' : 'false', onclick: () => toggle(key) },
          h('span', { class: 'method' }, r.method),
          h('span', { class: 'path', title: r.path }, r.path),
        ),
      ),
      h('td', { class: `num status s${String(r.status)[0]}` }, String(r.status), r.cut ? h('span', { class: 'cut', 'data-role': 'cut', title: 'The app closed the connection before its answer was complete' }, 'cut') : null),
      h('td', { class: 'num' }, `${r.ms} ms`),
      h('td', { class: 'num' }, formatBytes(r.bytes)),
    );
    return expanded ? [row, detailsRow(r)] : [row];
  });
  return { rows, shown: shown.length, total: hits.length };
}

/** The draft that changes only `record`: everything else as stored (the client secret kept by omission). */
function recordDraft(t: TunnelEntry, record: boolean): TunnelDraft {
  const d: TunnelDraft = { previousName: t.name, name: t.name, target: t.target, mode: t.mode, startWithPorthole: t.startWithPorthole, record, hostHeader: t.hostHeader };
  if (t.domain) d.domain = t.domain;
  if (t.mode === 'public') d.confirmPublic = true;
  if (t.fusionauth) {
    const { issuer, clientId, allowEmails, allowDomains, scopes } = t.fusionauth;
    d.fusionauth = { issuer, clientId, allowEmails, allowDomains, scopes };
  }
  return d;
}

/** The per-tunnel "Record requests" switch and the app-wide "notify me" setting. */
function switches(name: string): HTMLElement {
  const t = state.snapshot.tunnels.find((x) => x.name === name);
  const rec = h('input', { type: 'checkbox', id: `record-${name}`, 'data-action': 'record', checked: t?.record !== false });
  rec.addEventListener('change', async () => {
    const now = state.snapshot.tunnels.find((x) => x.name === name);
    if (!now) return;
    const r = await api().saveTunnel(recordDraft(now, rec.checked));
    if (!r.ok) {
      rec.checked = !rec.checked;
      return toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    }
    upsertEntry(r.value, name);
    toast(rec.checked ? 'Requests are recorded (in memory only)' : 'Recording is off: only ngrok’s SDK is in the data path');
  });
  const notify = h('input', { type: 'checkbox', id: 'notify-new', 'data-action': 'notify-new', checked: state.settings?.notifyNewVisitors !== false });
  wireNotifyNewVisitors(notify);
  return h(
    'div',
    { class: 'visit-switches' },
    h('label', { class: 'check' }, rec, h('span', {}, 'Record requests', h('span', { class: 'muted small' }, ' — who, what and when; in memory, the last 1,000, never on disk'))),
    h('label', { class: 'check' }, notify, h('span', {}, 'Notify me when someone new signs in', h('span', { class: 'muted small' }, ' (every tunnel)'))),
  );
}

function buildPanel(name: string): Panel {
  const f = filterControls();
  const people = h('div', { 'data-role': 'visitors-host' });
  const body = h('tbody', {});
  const note = h('p', { class: 'muted small', 'data-role': 'log-note' });
  const off = h('p', { class: 'notice', 'data-role': 'recording-off', hidden: true }, 'Recording is off for this tunnel: Porthole sees no requests, and nothing but ngrok’s SDK is between visitors and your app.');
  const sw = h('div', {});
  const hostCheck = h('p', { class: 'notice', 'data-role': 'host-check', hidden: true });
  const open = new Set<string>();
  const toggle = (key: string): void => {
    if (!open.delete(key)) open.add(key);
    redraw();
    // the rows are rebuilt: the keyboard stays on the request just opened or closed
    [...body.querySelectorAll<HTMLElement>('[data-action="request-details"]')].find((b) => b.dataset.key === key)?.focus();
  };
  const redraw = (): void => {
    const b = books.get(name) ?? { requests: [], people: new TunnelVisitors() };
    const t = state.snapshot.tunnels.find((x) => x.name === name);
    off.hidden = t?.record !== false;
    // A dev server refused the tunnel's host name: say so once, with the fix, while it is in the log.
    const refused = [...b.requests].reverse().find((r) => r.hostCheck);
    hostCheck.hidden = !refused || t?.hostHeader === 'rewrite';
    hostCheck.textContent = refused?.hostCheck ? hostCheckFix(refused.hostCheck, t?.view.url ? new URL(t.view.url).hostname : undefined) : '';
    people.replaceChildren(visitorsTable(b, (user) => ((f.user.value = user), redraw())));
    fillUsers(f.user, b);
    const { rows, shown, total } = logRows(b, f, open, toggle);
    body.replaceChildren(...rows);
    note.textContent = !b.requests.length ? 'No requests yet.' : total > shown ? `Newest ${shown} of ${total} matching requests.` : `${total} of ${b.requests.length} requests match.`;
  };
  for (const c of [f.user, f.status]) c.addEventListener('change', redraw);
  f.path.addEventListener('input', redraw);
  const el = h(
    'section',
    { class: 'visits', 'data-role': 'visits', 'data-tunnel': name },
    h('h3', {}, 'Visitors'),
    sw,
    off,
    hostCheck,
    people,
    h('h3', {}, 'Requests'),
    h('div', { class: 'log-filters' }, f.user, f.status, f.path),
    h('div', { class: 'table-wrap log-wrap' }, h('table', { class: 'log', 'data-role': 'request-log' }, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Visitor'), h('th', {}, 'Request'), h('th', { class: 'num' }, 'Status'), h('th', { class: 'num' }, 'Took'), h('th', { class: 'num' }, 'Size'))), body)),
    note,
  );
  // the switches follow the state (a save elsewhere, the tray): rebuilt with each pane render
  return { el, redraw: () => (sw.replaceChildren(switches(name)), redraw()) };
}

/** The tunnel's Visitors and Requests: the same element on every render, loaded from main once. */
export function visitsSection(t: TunnelEntry): HTMLElement {
  let panel = panels.get(t.name);
  if (!panel) {
    panel = buildPanel(t.name);
    panels.set(t.name, panel);
  }
  const p = panel;
  p.redraw();
  if (!books.has(t.name)) {
    void api().listVisits({ name: t.name }).then((r) => {
      if (!r.ok || books.has(t.name)) return;
      books.set(t.name, { requests: [...r.value.requests], people: TunnelVisitors.from(r.value.visitors) });
      p.redraw();
    });
  }
  return p.el;
}

/** A tunnel removed or renamed: forget what the window kept of it. */
export function forgetVisits(name: string): void {
  books.delete(name);
  panels.delete(name);
}
