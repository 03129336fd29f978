// browser: a kept request's details under its row in the request log — each side's start line,
// headers and body (pretty-printed by main when JSON, form data or text), "Reveal" for this one
// request's credentials, "Replay" straight to the local app with the new answer beside the old and
// the differences marked, and "Copy as curl". One element per request, kept across the log's redraws.
import type { ExchangeSideView, ExchangeView, VisitRecord } from '../../common/contract.js';
import { diffAnswers, VOLATILE_HEADERS, type ExchangeDiff } from '../../common/exchange-diff.js';
import { formatBytes } from '../../common/visitors.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { toast } from '../ui.js';

/** Kept per request id, so a live redraw of the log doesn't lose what is shown (or revealed). */
const panels = new Map<string, HTMLElement>();
const KEPT_PANELS = 50;

function bodyBlock(s: ExchangeSideView, diff?: ExchangeDiff): HTMLElement {
  const b = s.body;
  const facts = [b.type || 'no type', formatBytes(b.size)];
  if (b.truncated) facts.push('cut short: the first 64 KB are kept');
  if (b.kind === 'evicted') return h('p', { class: 'muted small', 'data-role': 'body' }, `Body not kept any more (${facts.join(', ')}): the oldest bodies go first to stay within 32 MB.`);
  if (b.kind === 'empty') return h('p', { class: 'muted small', 'data-role': 'body' }, 'No body.');
  if (b.text === undefined) return h('p', { class: 'muted small', 'data-role': 'body' }, `Body: ${facts.join(', ')} (not shown as text).`);
  const lines = b.text.split('\n');
  const changed = new Set(diff?.bodyLines ?? []);
  return h(
    'div',
    { class: 'inspect-body' },
    h('p', { class: 'muted small' }, `${b.kind === 'json' ? 'JSON' : b.kind === 'form' ? 'Form data' : 'Text'} · ${facts.join(', ')}`),
    h('pre', { 'data-role': 'body', 'data-kind': b.kind }, ...lines.map((l, i) => h('span', { class: changed.has(i) ? 'line changed' : 'line' }, `${l}\n`))),
  );
}

function sideBlock(title: string, s: ExchangeSideView | null, diff?: ExchangeDiff): HTMLElement {
  if (!s) return h('section', { class: 'inspect-side' }, h('h4', {}, title), h('p', { class: 'muted small' }, 'Nothing came back.'));
  const changedHeaders = new Set(diff?.headers.map((x) => x.name) ?? []);
  return h(
    'section',
    { class: 'inspect-side', 'data-side': title.toLowerCase() },
    h('h4', {}, title),
    h('p', { class: `inspect-start${diff?.statusChanged ? ' changed' : ''}`, 'data-role': 'start' }, s.start),
    h(
      'table',
      { class: 'inspect-headers', 'data-role': 'headers' },
      h(
        'tbody',
        {},
        ...s.headers.map(([n, v]) =>
          h(
            'tr',
            { class: changedHeaders.has(n.toLowerCase()) ? 'changed' : VOLATILE_HEADERS.has(n.toLowerCase()) ? 'volatile' : '' },
            h('th', { scope: 'row' }, n),
            h('td', { class: v === '[redacted]' ? 'redacted' : '' }, v),
          ),
        ),
      ),
    ),
    bodyBlock(s, diff),
  );
}

async function load(el: HTMLElement, r: VisitRecord, reveal: boolean): Promise<void> {
  const res = await api().inspectRequest({ name: r.tunnel, id: r.id!, reveal });
  if (!res.ok) {
    el.replaceChildren(h('p', { class: 'muted small', 'data-role': 'inspect-error' }, `${res.error.message}${res.error.fix ? ` ${res.error.fix}` : ''}`));
    return;
  }
  render(el, r, res.value);
}

function render(el: HTMLElement, r: VisitRecord, x: ExchangeView): void {
  const replayOut = h('div', { class: 'inspect-replay', 'data-role': 'replay-result' });
  const reveal = h('button', { class: 'btn small', type: 'button', 'data-action': 'reveal' }, x.revealed ? 'Hide credentials' : 'Reveal');
  reveal.addEventListener('click', () => void load(el, r, !x.revealed));
  const replay = h('button', { class: 'btn small', type: 'button', 'data-action': 'replay', title: 'Send this request again, straight to the local app (not through the tunnel)' }, 'Replay');
  replay.addEventListener('click', async () => {
    replay.disabled = true;
    const res = await api().replayRequest({ name: r.tunnel, id: x.id });
    replay.disabled = false;
    if (!res.ok) return toast(`${res.error.message}${res.error.fix ? ` ${res.error.fix}` : ''}`, 'error');
    const d = diffAnswers(res.value.before.response, res.value.after.response);
    const same = !d.statusChanged && !d.headers.length && !d.bodyChanged;
    replayOut.replaceChildren(
      h('p', { class: same ? 'muted small' : 'small', 'data-role': 'replay-summary' }, same ? 'Replayed: the same answer as before (Date and similar headers aside).' : `Replayed: the answer differs (${[d.statusChanged ? 'status' : '', d.headers.length ? `${d.headers.length} header${d.headers.length > 1 ? 's' : ''}` : '', d.bodyChanged ? 'body' : ''].filter(Boolean).join(', ')}), marked below.`),
      h('div', { class: 'inspect-compare' }, sideBlock('Before', res.value.before.response), sideBlock('Replay', res.value.after.response, d)),
    );
  });
  const curl = h('button', { class: 'btn small', type: 'button', 'data-action': 'copy-curl' }, 'Copy as curl');
  curl.addEventListener('click', async () => {
    const res = await api().copyRequestAsCurl({ name: r.tunnel, id: x.id, reveal: x.revealed });
    if (!res.ok) return toast(res.error.message, 'error');
    toast(x.revealed ? 'Copied as curl, credentials included' : 'Copied as curl (credentials left out: Reveal to include them)');
  });
  el.replaceChildren(
    h('div', { class: 'inspect-actions' }, reveal, replay, curl, x.replayed ? h('span', { class: 'badge', 'data-role': 'replayed' }, 'replayed by you') : null),
    h('div', { class: 'inspect-compare' }, sideBlock('Request', x.request), sideBlock('Response', x.response)),
    replayOut,
  );
}

/** The details of a kept request: loaded once, kept across redraws. */
export function inspectorFor(r: VisitRecord): HTMLElement {
  if (!r.id) return h('p', { class: 'muted small', 'data-role': 'inspect-off' }, 'Headers and bodies are not kept for this request (inspection was off).');
  let el = panels.get(r.id);
  if (!el) {
    el = h('div', { class: 'inspector', 'data-role': 'inspector', 'data-id': r.id }, h('p', { class: 'muted small' }, 'Loading…'));
    panels.set(r.id, el);
    if (panels.size > KEPT_PANELS) panels.delete(panels.keys().next().value!);
    void load(el, r, false);
  }
  return el;
}
