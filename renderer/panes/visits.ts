// browser: who is looking at a tunnel — its visitors (each person: first and last seen, requests) and
// the live request log with filters (visitor, status, path), kept per tunnel and fed by main's
// `visitRecorded` push. The section's DOM lives across the tunnel pane's re-renders, so a filter being
// typed in is never rebuilt under the user's fingers.

import type { TunnelDraft, TunnelEntry, VisitRecord, VisitRecorded, VisitorView } from '../../common/contract.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { wireNotifyNewVisitors } from '../fields.js';
import { state, upsertEntry } from '../state.js';
import { toast } from '../ui.js';

interface Book {
  requests: VisitRecord[];
  visitors: VisitorView[];
  anonymous: number;
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

/** One more request in the book: the same rule as main's visitor summary (main/visits/visitors.ts). */
function count(b: Book, r: VisitRecord): void {
  b.requests.push(r);
  if (b.requests.length > KEEP) b.requests.splice(0, b.requests.length - KEEP);
  if (r.user === null) return void (b.anonymous += 1);
  const key = r.user.toLowerCase();
  const old = b.visitors.find((v) => v.user.toLowerCase() === key);
  const v: VisitorView = old ?? { user: r.user, firstSeen: r.at, lastSeen: r.at, requests: 0 };
  v.requests += 1;
  if (r.at > v.lastSeen) v.lastSeen = r.at;
  if (r.at < v.firstSeen) v.firstSeen = r.at;
  if (!old) b.visitors.push(v);
  b.visitors.sort((a, z) => (a.lastSeen < z.lastSeen ? 1 : a.lastSeen > z.lastSeen ? -1 : 0));
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

/** "just now", "2 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return `${hrs} h ago`;
  const d = Math.floor(hrs / 24);
  return `${d} ${d === 1 ? 'day' : 'days'} ago`;
}
const clock = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const size = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

function visitorsTable(b: Book, pick: (user: string) => void): HTMLElement {
  if (!b.visitors.length && !b.anonymous) return h('p', { class: 'muted small', 'data-role': 'no-visitors' }, 'Nobody has visited yet. People appear here once they have signed in and opened the URL.');
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
    h('table', { class: 'visitors', 'data-role': 'visitors' }, h('thead', {}, h('tr', {}, h('th', {}, 'Person'), h('th', {}, 'First seen'), h('th', {}, 'Last seen'), h('th', { class: 'num' }, 'Requests'))), h('tbody', {}, ...b.visitors.map(row))),
    b.anonymous ? h('p', { class: 'muted small', 'data-role': 'anonymous' }, `${b.anonymous} ${b.anonymous === 1 ? 'request' : 'requests'} without a sign-in (ngrok’s sign-in pages, or a public tunnel).`) : null,
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
  sel.replaceChildren(h('option', { value: '' }, 'Everyone'), ...b.visitors.map((v) => h('option', { value: v.user }, v.user)), h('option', { value: '\u0000' }, 'Not signed in'));
  sel.value = [...sel.options].some((o) => o.value === now) ? now : '';
}

function matches(f: Filters, r: VisitRecord): boolean {
  if (f.user.value === '\u0000' ? r.user !== null : f.user.value && r.user?.toLowerCase() !== f.user.value.toLowerCase()) return false;
  if (f.status.value && String(r.status)[0] !== f.status.value) return false;
  const p = f.path.value.trim().toLowerCase();
  return !p || r.path.toLowerCase().includes(p);
}

/** Which request a details row belongs to, across redraws (records carry no id). */
const requestKey = (r: VisitRecord): string => JSON.stringify([r.at, r.method, r.path, r.user]);

/** Under a request, the whole of it: method and path wrapped, who, when (with the date), status, time and size. */
const detailsRow = (r: VisitRecord): HTMLElement =>
  h(
    'tr',
    { class: 'request-details', 'data-role': 'request-details' },
    h(
      'td',
      { colspan: 6 },
      h('span', { class: 'request-full' }, h('span', { class: 'method' }, r.method), ' ', r.path),
      h('span', { class: 'request-facts small' }, `${r.user ?? 'Not signed in'} · ${new Date(r.at).toLocaleString()} · ${r.status} · ${r.ms} ms · ${size(r.bytes)}`),
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
      h('td', { class: r.user ? '' : 'muted', title: r.user ?? undefined }, r.user ?? '—'),
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
      h('td', { class: `num status s${String(r.status)[0]}` }, String(r.status)),
      h('td', { class: 'num' }, `${r.ms} ms`),
      h('td', { class: 'num' }, size(r.bytes)),
    );
    return expanded ? [row, detailsRow(r)] : [row];
  });
  return { rows, shown: shown.length, total: hits.length };
}

/** The draft that changes only `record`: everything else as stored (the client secret kept by omission). */
function recordDraft(t: TunnelEntry, record: boolean): TunnelDraft {
  const d: TunnelDraft = { previousName: t.name, name: t.name, target: t.target, mode: t.mode, startWithPorthole: t.startWithPorthole, record };
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
  const open = new Set<string>();
  const toggle = (key: string): void => {
    if (!open.delete(key)) open.add(key);
    redraw();
    // the rows are rebuilt: the keyboard stays on the request just opened or closed
    [...body.querySelectorAll<HTMLElement>('[data-action="request-details"]')].find((b) => b.dataset.key === key)?.focus();
  };
  const redraw = (): void => {
    const b = books.get(name) ?? { requests: [], visitors: [], anonymous: 0 };
    const t = state.snapshot.tunnels.find((x) => x.name === name);
    off.hidden = t?.record !== false;
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
      books.set(t.name, { requests: [...r.value.requests], visitors: r.value.visitors.visitors.map((v) => ({ ...v })), anonymous: r.value.visitors.anonymous });
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
