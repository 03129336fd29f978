// browser: one tunnel — its state and protection, its URL (copy, open, QR), start/stop/verify, the
// alerts (found open, error with its fix, reconnecting) and the same setup as an ngrok command or policy.

import type { TunnelEntry, TunnelExtras } from '../../common/contract.js';
import type { PortholeError } from '../../common/types.js';
import { isNgrokCode } from '../../common/errors.js';
import { forwardInternalSnippet, INTERNAL_URL_PURPOSE, isInternalUrl, isOpenByMistake, isRunning } from '../../common/view-rules.js';
import { act, api } from '../api.js';
import { h } from '../dom.js';
import { MODE_LABEL, MUST_REENTER, STATE_LABEL, protectionText, reenterLine, sentence, targetLabel } from '../labels.js';
import { state, type Nav } from '../state.js';
import { toast } from '../ui.js';
import { shareFor } from './share-for.js';
import { visitsSection } from './visits.js';

/**
 * What this pane remembers across state pushes, which rebuild it: the QR and "Show …" sections the user
 * opened, the extras main computed, and what is drawn now (a push that changes none of it leaves the
 * DOM, and focus, alone).
 */
const memory = {
  qrOpen: new Set<string>(),
  detailsOpen: new Set<string>(),
  extras: new Map<string, { key: string; extras: TunnelExtras }>(),
  rendered: '',
};

/** Another pane took the main area: the next tunnel pane is drawn afresh. */
export function forgetRenderedTunnel(): void {
  memory.rendered = '';
}

/** The tunnel was saved: its command and policy may differ now. */
export function forgetExtras(name: string): void {
  memory.extras.delete(name);
}

/** Draw the tunnel into `main` unless exactly this is already there. */
export function renderTunnel(nav: Nav, main: HTMLElement, entry: TunnelEntry): void {
  // the Visitors section follows the visits push itself: an entry changes only with the tunnel
  const key = JSON.stringify([entry, memory.qrOpen.has(entry.name)]);
  if (key === memory.rendered && main.querySelector(`section.tunnel[data-tunnel="${entry.name}"]`)) return;
  // a filter of the request log being typed in keeps the cursor (that section is moved, not rebuilt)
  const focused = document.activeElement instanceof HTMLElement && document.activeElement.closest('[data-role="visits"]') ? document.activeElement : undefined;
  main.replaceChildren(tunnelPane(nav, entry));
  focused?.focus();
  memory.rendered = key;
}

async function copyTunnel(name: string, kind: 'url' | 'ngrok-command' | 'traffic-policy'): Promise<void> {
  const r = await api().copyTunnelText({ name, kind });
  if (r.ok) toast(kind === 'url' ? 'URL copied' : kind === 'ngrok-command' ? 'ngrok command copied' : 'Traffic policy copied (the client secret comes from your ngrok vault)');
  else toast(r.error.message, 'error');
}

async function loadExtras(entry: TunnelEntry, into: HTMLElement): Promise<void> {
  const key = `${entry.view.url ?? ''}|${entry.target}|${entry.mode}|${entry.domain ?? ''}|${JSON.stringify(entry.fusionauth ?? null)}`;
  let cached = memory.extras.get(entry.name);
  if (!cached || cached.key !== key) {
    const r = await api().tunnelExtras({ name: entry.name });
    if (!r.ok) return;
    cached = { key, extras: r.value };
    memory.extras.set(entry.name, cached);
  }
  const { extras } = cached;
  into.querySelector<HTMLElement>('[data-role="ngrok-command"]')!.textContent = extras.ngrokCommand;
  into.querySelector<HTMLElement>('[data-role="policy"]')!.textContent = extras.policyYaml;
  const img = into.querySelector<HTMLImageElement>('img.qr-img');
  if (img && extras.qrDataUrl) img.src = extras.qrDataUrl;
}

/** A <details> that keeps its open state across re-renders. */
function remembered(name: string, what: string, summary: string, role: string): HTMLDetailsElement {
  const id = `${name}:${what}`;
  const el = h('details', { open: memory.detailsOpen.has(id) }, h('summary', {}, summary), h('pre', { 'data-role': role }, '…'));
  el.addEventListener('toggle', () => {
    if (el.open) memory.detailsOpen.add(id);
    else memory.detailsOpen.delete(id);
  });
  return el;
}

/** A tunnel found open although it should sign people in: the loudest thing in the window, with Stop at hand. */
function openAlert(t: TunnelEntry, running: boolean): HTMLElement {
  const stop = h('button', { class: 'btn', type: 'button', 'data-action': 'stop' }, 'Stop it now');
  stop.addEventListener('click', () => void act(stop, () => api().stopTunnel({ name: t.name })));
  return h(
    'div',
    { class: 'alert alert-danger', role: 'alert', 'data-role': 'open-alert' },
    h(
      'div',
      { class: 'alert-text' },
      h('strong', {}, 'This tunnel is open to anyone on the internet: nobody is asked to sign in.'),
      h('p', { 'data-role': 'open-reason' }, sentence(t.view.protectionReason ?? 'The app answered without a sign-in')),
      h('p', {}, 'Stop it, then check its FusionAuth settings and the ngrok endpoint’s policy.'),
    ),
    running ? stop : null,
  );
}

/** Which settings to open for an error, where the fix lives in this window. */
function errorAction(nav: Nav, e: PortholeError, t: TunnelEntry): { label: string; run: () => void } | undefined {
  if (e.code === 'NGROK_AUTHTOKEN' || e.code === 'NO_AUTHTOKEN' || e.field === 'ngrokAuthtoken') return { label: 'Open ngrok settings', run: () => nav.show({ kind: 'settings' }) };
  if (e.code === 'NGROK_TLS' || e.code === 'NGROK_UNREACHABLE') return { label: 'Open ngrok settings', run: () => nav.show({ kind: 'settings' }) };
  if (e.code === 'PREFLIGHT_FAILED' || e.code.startsWith('NGROK_OIDC') || e.field?.startsWith('fusionauth')) return { label: 'Edit FusionAuth settings', run: () => nav.show({ kind: 'form', previousName: t.name }) };
  return undefined;
}

/** A tunnel's error: what went wrong, how to fix it, and the code to search for. */
function errorAlert(nav: Nav, t: TunnelEntry, e: PortholeError): HTMLElement {
  const action = errorAction(nav, e, t);
  const code = e.ngrokCode ?? e.code;
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert', 'data-role': 'error' },
    h(
      'div',
      { class: 'alert-text' },
      h('strong', {}, sentence(e.message)),
      e.fix ? h('p', { 'data-role': 'error-fix' }, h('span', { class: 'fix-label' }, 'Fix: '), e.fix) : null,
      h('p', { class: 'code' }, isNgrokCode(code) ? 'ngrok error ' : 'Error code ', h('code', { 'data-role': 'error-code' }, code)),
    ),
    action ? h('button', { class: 'btn', type: 'button', 'data-action': 'fix-error', onclick: action.run }, action.label) : null,
  );
}

/** The stored client secret can no longer be read: say so on the tunnel, with the way to its field. */
const reenterAlert = (nav: Nav, t: TunnelEntry): HTMLElement =>
  h(
    'div',
    { class: 'alert alert-warn', role: 'alert', 'data-role': 'secret-reenter' },
    h('div', { class: 'alert-text' }, h('strong', {}, `The client secret ${MUST_REENTER}.`), h('p', {}, reenterLine('client secret'))),
    h('button', { class: 'btn primary small', type: 'button', 'data-action': 'reenter-secret', onclick: () => nav.show({ kind: 'form', previousName: t.name, reenter: true }) }, 'Enter it again'),
  );

const reconnectingAlert = (v: TunnelEntry['view']): HTMLElement =>
  h(
    'div',
    { class: 'alert alert-warn', role: 'status', 'data-role': 'reconnecting' },
    h(
      'div',
      { class: 'alert-text' },
      h('strong', {}, 'The connection to ngrok dropped.'),
      h('p', {}, 'Porthole is reconnecting by itself and keeps the URL where ngrok allows. Nothing reaches your app until it is back.'),
      // Why it is not back yet (ngrok still holds the domain…), as the engine says it.
      v.error ? h('p', { 'data-role': 'reconnecting-reason' }, v.error.message) : null,
    ),
  );

/** A pooled URL is shared with other agents: what that means for this machine's view of it. */
const pooledNote = (): HTMLElement =>
  h(
    'div',
    { class: 'alert alert-info', role: 'note', 'data-role': 'pooled' },
    h('div', { class: 'alert-text' }, h('strong', {}, 'Pooled: this URL is shared with other agents.'), h('p', {}, 'Other agents may serve some of its visitors. The visitors and the request log here are this machine’s only.')),
  );

function header(nav: Nav, t: TunnelEntry): HTMLElement {
  const v = t.view;
  const prot = protectionText(v);
  return h(
    'header',
    { class: 'pane-head' },
    h('div', { class: 'title-row' }, h('h2', {}, t.name), h('span', { class: `pill state-${v.state}`, 'data-role': 'state' }, STATE_LABEL[v.state]), prot && h('span', { class: `pill ${prot.cls}`, 'data-role': 'protection' }, prot.label)),
    h('p', { class: 'sub' }, `${targetLabel(t.target)} · ${MODE_LABEL[t.mode]}${t.domain ? ` · ${t.domain}` : ''}${t.startWithPorthole ? ' · starts with Porthole' : ''}`),
    h('div', { class: 'head-actions' }, h('button', { class: 'btn', type: 'button', onclick: () => nav.show({ kind: 'form', previousName: t.name }) }, 'Edit')),
  );
}

/** An internal endpoint's URL: no browser reaches it, so no Open or QR; the rule a Cloud Endpoint needs instead. */
function internalUrlCard(t: TunnelEntry): HTMLElement {
  const url = isInternalUrl(t.view.url) ? t.view.url : undefined;
  const copy = async (): Promise<void> => {
    if (!url) return;
    const r = await api().copyText({ text: forwardInternalSnippet(url) });
    toast(r.ok ? 'forward-internal snippet copied' : r.error.message, r.ok ? 'ok' : 'error');
  };
  return h(
    'div',
    { class: 'url-card' },
    h('div', { class: 'url-label' }, 'Internal URL'),
    h(
      'div',
      { class: 'url-row' },
      h('code', { class: `url${url ? '' : ' none'}`, 'data-role': 'url' }, url ?? (isRunning(t.view.state) ? 'Waiting for ngrok…' : 'Start the tunnel to get its internal URL')),
      h('button', { class: 'btn small', type: 'button', 'data-action': 'copy-snippet', disabled: !url, onclick: () => void copy() }, 'Copy forward-internal snippet'),
    ),
    h('p', { class: 'small', 'data-role': 'internal-purpose' }, INTERNAL_URL_PURPOSE, ' Add this rule to the Cloud Endpoint’s Traffic Policy in the ngrok dashboard, after its sign-in rules:'),
    url ? h('pre', { 'data-role': 'internal-snippet' }, forwardInternalSnippet(url)) : null,
  );
}

function urlCard(nav: Nav, t: TunnelEntry): HTMLElement {
  const v = t.view;
  if (t.mode === 'internal' || isInternalUrl(v.url)) return internalUrlCard(t);
  const url = v.url;
  const qrVisible = memory.qrOpen.has(t.name);
  const toggleQr = (): void => {
    if (memory.qrOpen.has(t.name)) memory.qrOpen.delete(t.name);
    else memory.qrOpen.add(t.name);
    nav.renderMain();
  };
  return h(
    'div',
    { class: 'url-card' },
    h('div', { class: 'url-label' }, 'Public URL'),
    h(
      'div',
      { class: 'url-row' },
      h('code', { class: `url${url ? '' : ' none'}`, 'data-role': 'url' }, url ?? (isRunning(v.state) ? 'Waiting for ngrok…' : 'Start the tunnel to get a URL')),
      h('button', { class: 'btn small', type: 'button', 'data-action': 'copy-url', disabled: !url, onclick: () => void copyTunnel(t.name, 'url') }, 'Copy'),
      h('button', { class: 'btn small', type: 'button', 'data-action': 'open-url', disabled: !url, onclick: () => url && void api().openExternal({ url }) }, 'Open'),
      h('button', { class: `btn small${qrVisible ? ' pressed' : ''}`, type: 'button', 'data-action': 'qr', disabled: !url, 'aria-pressed': qrVisible ? 'true' : 'false', onclick: toggleQr }, 'QR'),
    ),
    url && qrVisible ? h('div', { class: 'qr' }, h('img', { class: 'qr-img', alt: `QR code for ${url}`, width: 168, height: 168 }), h('p', {}, 'Scan to open on a phone')) : null,
    v.protectionReason && !isOpenByMistake(v) ? h('p', { class: 'muted small', 'data-role': 'protection-reason' }, `Checked: ${v.protectionReason}`) : null,
  );
}

/** A start refused for want of an authtoken: a banner that stays until one is stored, not a passing toast. */
const authtokenBanner = (nav: Nav) => (e: PortholeError): boolean => {
  if (e.code !== 'NO_AUTHTOKEN') return false;
  state.authtokenWanted = true;
  nav.renderBanner();
  return true;
};

function actions(nav: Nav, t: TunnelEntry): HTMLElement {
  const v = t.view;
  const running = isRunning(v.state);
  const startStop = h('button', { class: `btn ${running ? '' : 'primary'}`, type: 'button', 'data-action': running ? 'stop' : 'start' }, running ? 'Stop' : 'Start');
  startStop.addEventListener('click', () => void act(startStop, () => (running ? api().stopTunnel({ name: t.name }) : api().startTunnel({ name: t.name })), undefined, authtokenBanner(nav)));
  // A public tunnel has no sign-in to verify; an internal endpoint is reached through a Cloud Endpoint,
  // never shared by a link for a while (the tray offers the same).
  const verify = t.mode === 'public' ? null : h('button', { class: 'btn', type: 'button', 'data-action': 'verify', disabled: !(v.state === 'online' && v.url) }, 'Verify protection');
  verify?.addEventListener('click', () => void act(verify, () => api().verifyTunnel({ name: t.name }), 'Protection checked'));
  return h('div', { class: 'actions' }, startStop, verify, t.mode === 'internal' ? null : shareFor(t));
}

function shareNote(t: TunnelEntry): string {
  if (!t.fusionauth) return 'This tunnel has no FusionAuth settings, so neither holds a secret.';
  return t.mode === 'oidc-legacy'
    ? 'Neither holds the client secret: the command reads it from $FUSIONAUTH_CLIENT_SECRET, the policy from the ngrok vault “porthole” (its first lines say how to create that once).'
    : 'Neither holds the client secret: both read it from the ngrok vault “porthole” (the policy’s first lines say how to create that once).';
}

function share(t: TunnelEntry): HTMLElement {
  return h(
    'section',
    { class: 'share' },
    h('h3', {}, 'Use the same setup elsewhere'),
    h(
      'div',
      { class: 'share-row' },
      h('button', { class: 'btn', type: 'button', 'data-action': 'copy-command', onclick: () => void copyTunnel(t.name, 'ngrok-command') }, 'Copy as ngrok command'),
      h('button', { class: 'btn', type: 'button', 'data-action': 'copy-policy', onclick: () => void copyTunnel(t.name, 'traffic-policy') }, 'Copy traffic policy'),
    ),
    remembered(t.name, 'command', 'Show ngrok command', 'ngrok-command'),
    remembered(t.name, 'policy', 'Show traffic policy', 'policy'),
    h('p', { class: 'muted small', 'data-role': 'share-note' }, shareNote(t)),
  );
}

function tunnelPane(nav: Nav, t: TunnelEntry): HTMLElement {
  const v = t.view;
  const pane = h(
    'section',
    { class: 'pane tunnel', 'data-tunnel': t.name },
    header(nav, t),
    isOpenByMistake(v) && openAlert(t, isRunning(v.state)),
    v.state === 'error' && v.error && errorAlert(nav, t, v.error),
    v.state === 'reconnecting' && reconnectingAlert(v),
    !!t.pool && pooledNote(),
    !!t.fusionauth?.clientSecret.mustReenter && reenterAlert(nav, t),
    urlCard(nav, t),
    actions(nav, t),
    visitsSection(t),
    share(t),
  );
  void loadExtras(t, pane);
  return pane;
}
