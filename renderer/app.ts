// browser: the settings window — tunnels with live state, the add/edit form, the FusionAuth checklist and
// the ngrok settings. Talks only to `window.porthole` (preload/contract.ts); builds DOM with textContent
// (never innerHTML with data), so nothing a tunnel or a server says can inject markup.

import type {
  FusionAuthDraft,
  IpcResult,
  ListeningPort,
  PortholeApi,
  PreflightResult,
  SettingsView,
  StateSnapshot,
  TunnelDraft,
  TunnelEntry,
  TunnelExtras,
  WindowIntent,
} from '../preload/contract.js';
import type { AuthMode, PortholeError, PreflightCheck, TunnelView } from '../main/types.js';

declare global {
  interface Window {
    porthole: PortholeApi;
  }
}

// ---------------------------------------------------------------- DOM helpers

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | undefined | ((ev: Event) => void)>;

/** Build an element: attributes (`on…` are listeners, booleans toggle), then children as nodes or text. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

const api = (): PortholeApi => window.porthole;

// ---------------------------------------------------------------- state

type Pane = { kind: 'empty' } | { kind: 'tunnel'; name: string } | { kind: 'form'; previousName?: string } | { kind: 'settings' };

let snapshot: Pick<StateSnapshot, 'tunnels'> = { tunnels: [] };
let settings: SettingsView | undefined;
let pane: Pane = { kind: 'empty' };
/** The user said yes to storing secrets without an OS keychain (basic_text). */
let allowInsecureStorage = false;
const qrOpen = new Set<string>();
/** Which "Show …" sections the user opened, per tunnel, so a state push doesn't fold them. */
const detailsOpen = new Set<string>();
/** What the tunnel pane shows now; a push that changes none of it leaves the DOM (and focus) alone. */
let renderedKey = '';
const extrasCache = new Map<string, { key: string; extras: TunnelExtras }>();
let listeningPorts: ListeningPort[] = [];

// ---------------------------------------------------------------- labels

const MODE_LABEL: Record<AuthMode, string> = {
  oidc: 'FusionAuth sign-in',
  'oidc-legacy': 'FusionAuth sign-in (agent options)',
  internal: 'Internal endpoint',
  public: 'Public, no sign-in',
};
const MODE_HINT: Record<AuthMode, string> = {
  oidc: 'A Traffic Policy on the endpoint sends visitors to FusionAuth first. Recommended.',
  'oidc-legacy': 'The agent’s older oidc options, as in “ngrok http --oidc=…”.',
  internal: 'An internal endpoint for a Cloud Endpoint whose policy lives in the ngrok dashboard.',
  public: 'No sign-in at all: anyone who has the URL reaches your app.',
};
const STATE_LABEL: Record<TunnelView['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  online: 'Online',
  reconnecting: 'Reconnecting',
  error: 'Error',
};
const CHECK_LABEL: Record<PreflightCheck['id'], string> = {
  'issuer-url': 'Issuer URL',
  discovery: 'Discovery document',
  'issuer-match': 'Issuer matches',
  grants: 'Grant types',
  scopes: 'Scopes',
  'client-credentials': 'Client id and secret',
  'redirect-uri': 'Redirect URL',
};

function protectionText(v: TunnelView): { label: string; cls: string } | undefined {
  if (v.protection === 'open') return { label: v.mode === 'public' ? 'Public' : 'OPEN', cls: v.mode === 'public' ? 'pill-warn' : 'pill-danger' };
  if (v.protection === 'protected') return { label: 'Protected', cls: 'pill-ok' };
  if (v.protection === 'unknown') return { label: 'Protection unknown', cls: 'pill-muted' };
  if (v.state === 'online') return { label: 'Checking protection…', cls: 'pill-muted' };
  return undefined;
}

const targetLabel = (target: string): string => (/^\d+$/.test(target) ? `localhost:${target}` : target);

// ---------------------------------------------------------------- toast and modal

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = $('toast');
  el.textContent = text;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), kind === 'error' ? 5000 : 2200);
}

/** An in-page confirmation (no window.confirm: it blocks main and is easy to click through). */
function confirmDialog(title: string, body: string, confirmLabel: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    const modal = $('modal');
    $('modal-title').textContent = title;
    $('modal-body').textContent = body;
    const ok = $<HTMLButtonElement>('modal-confirm');
    const cancel = $<HTMLButtonElement>('modal-cancel');
    ok.textContent = confirmLabel;
    ok.className = danger ? 'btn danger' : 'btn primary';
    modal.hidden = false;
    ok.focus();
    const done = (answer: boolean): void => {
      modal.hidden = true;
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      document.removeEventListener('keydown', esc);
      resolve(answer);
    };
    const yes = (): void => done(true);
    const no = (): void => done(false);
    const esc = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') done(false);
    };
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    document.addEventListener('keydown', esc);
  });
}

/** Run a call that may store a secret: when main says there is no real keychain, ask, then retry. */
async function withSecretConsent<T>(call: (allow: boolean) => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  let r = await call(allowInsecureStorage);
  if (!r.ok && r.error.code === 'SECRET_STORAGE_WEAK') {
    const yes = await confirmDialog(
      'Store secrets without a keychain?',
      `${r.error.message} Anyone who can read your files could recover them. ${r.error.fix ?? ''}`.trim(),
      'Store anyway',
      true,
    );
    if (!yes) return r;
    allowInsecureStorage = true;
    r = await call(true);
  }
  return r;
}

// ---------------------------------------------------------------- sidebar

function renderList(): void {
  const nav = $('tunnel-list');
  nav.replaceChildren();
  if (snapshot.tunnels.length === 0) {
    nav.append(h('p', { class: 'list-empty' }, 'No tunnels yet.'));
    return;
  }
  for (const t of snapshot.tunnels) {
    const v = t.view;
    const open = v.protection === 'open' && v.mode !== 'public';
    const active = pane.kind === 'tunnel' && pane.name === t.name;
    nav.append(
      h(
        'button',
        {
          type: 'button',
          class: `tunnel-item${active ? ' active' : ''}`,
          'data-name': t.name,
          'aria-current': active ? 'true' : undefined,
          onclick: () => show({ kind: 'tunnel', name: t.name }),
        },
        h('span', { class: `dot dot-${open ? 'danger' : v.state}`, 'aria-hidden': 'true' }),
        h(
          'span',
          { class: 'tunnel-item-text' },
          h('span', { class: 'tunnel-item-name' }, t.name),
          h('span', { class: 'tunnel-item-sub' }, v.state === 'online' && v.url ? v.url.replace(/^https?:\/\//, '') : `${STATE_LABEL[v.state]} · ${targetLabel(t.target)}`),
        ),
      ),
    );
  }
}

function renderAuthtokenStatus(): void {
  const el = $('authtoken-status');
  if (!settings) return;
  el.textContent = settings.ngrok.authtoken.stored ? 'Authtoken stored' : 'Add your ngrok authtoken';
  el.className = `nav-settings-sub${settings.ngrok.authtoken.stored ? '' : ' attention'}`;
}

// ---------------------------------------------------------------- damaged settings file

/** Problems the user dismissed in this window (keyed by where the damaged file went). */
const dismissedProblems = new Set<string>();

/** A banner above every pane while a settings file found damaged at launch is not acknowledged. */
function renderProblems(): void {
  const host = $('banner');
  const list = (settings?.problems ?? []).filter((p) => !dismissedProblems.has(p.movedTo));
  host.replaceChildren(
    ...list.map((p) =>
      h(
        'div',
        { class: 'alert alert-warn', role: 'alert', 'data-role': 'settings-problem' },
        p.kind === 'secrets'
          ? h(
              'div',
              { class: 'alert-text' },
              h('strong', {}, 'Porthole’s stored secrets could not be read.'),
              h('p', {}, `The file was set aside as ${p.movedTo}. Your tunnels are kept: enter the ngrok authtoken and each tunnel’s client secret again.`),
            )
          : h(
              'div',
              { class: 'alert-text' },
              h('strong', {}, 'Porthole’s settings file was damaged.'),
              h('p', {}, `It was set aside as ${p.movedTo}. ${p.keptTunnels === 1 ? '1 tunnel' : `${p.keptTunnels} tunnels`} that could still be read ${p.keptTunnels === 1 ? 'was' : 'were'} kept; your stored secrets are unaffected. Check your tunnels and settings.`),
            ),
        h('button', { class: 'btn small', type: 'button', 'data-action': 'dismiss-problem', onclick: () => (dismissedProblems.add(p.movedTo), renderProblems()) }, 'Dismiss'),
      ),
    ),
  );
  host.hidden = list.length === 0;
}

// ---------------------------------------------------------------- panes

function show(next: Pane): void {
  pane = next;
  renderList();
  renderMain();
}

function renderMain(): void {
  const main = $('main');
  renderedKey = pane.kind === 'tunnel' ? renderedKey : '';
  if (pane.kind === 'tunnel' && !snapshot.tunnels.some((t) => t.name === (pane as { name: string }).name)) pane = { kind: 'empty' };
  if (pane.kind === 'empty' && snapshot.tunnels.length) pane = { kind: 'tunnel', name: snapshot.tunnels[0]!.name };
  switch (pane.kind) {
    case 'empty':
      main.replaceChildren(emptyPane());
      break;
    case 'tunnel': {
      const entry = snapshot.tunnels.find((t) => t.name === (pane as { name: string }).name)!;
      const key = JSON.stringify([entry, qrOpen.has(entry.name)]);
      if (key === renderedKey && main.querySelector(`section.tunnel[data-tunnel="${entry.name}"]`)) return;
      main.replaceChildren(tunnelPane(entry));
      renderedKey = key;
      return;
    }
    case 'form':
      main.replaceChildren(formPane(pane.previousName ? snapshot.tunnels.find((t) => t.name === (pane as { previousName: string }).previousName) : undefined));
      break;
    case 'settings':
      main.replaceChildren(settingsPane());
      break;
  }
}

/** First run: paste the ngrok authtoken right here, then add a tunnel; each step says what comes next. */
function emptyPane(): HTMLElement {
  const tokenStored = !!settings?.ngrok.authtoken.stored;
  let step1: HTMLElement;
  if (tokenStored) {
    step1 = h('li', { class: 'done', 'data-step': 'authtoken' }, h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'ngrok authtoken stored')), h('span', { class: 'step-done' }, '✓ Done'));
  } else {
    const token = h('input', { id: 'first-authtoken', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: 'Paste your ngrok authtoken', 'aria-label': 'ngrok authtoken' });
    const importBtn = h('button', { class: 'btn link', type: 'button', id: 'first-import-authtoken' }, 'or import it from your ngrok config');
    const form = h(
      'form',
      { class: 'step-form', id: 'first-authtoken-form', novalidate: true },
      h('div', { class: 'field', 'data-field': 'authtoken' }, h('div', { class: 'inline' }, token, h('button', { class: 'btn primary', type: 'submit' }, 'Save')), h('p', { class: 'field-error', 'data-error-for': 'authtoken', hidden: true })),
      h('p', { class: 'hint' }, 'From dashboard.ngrok.com › Getting Started › Your Authtoken. Stored encrypted, never shown again. ', importBtn),
    );
    wireAuthtoken(form, token, importBtn);
    step1 = h('li', { class: 'todo', 'data-step': 'authtoken' }, h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'Paste your ngrok authtoken'), form));
  }
  return h(
    'section',
    { class: 'pane empty' },
    h('div', { class: 'empty-art', 'aria-hidden': 'true' }, h('div', { class: 'logo big' }, h('div', { class: 'logo-glass' }))),
    h('h2', {}, 'Share a local app, safely'),
    h('p', { class: 'lead' }, 'Porthole opens an ngrok tunnel to a port on this computer and puts FusionAuth sign-in in front of it.'),
    h(
      'ol',
      { class: 'steps' },
      step1,
      h(
        'li',
        { class: tokenStored ? 'todo' : '', 'data-step': 'tunnel' },
        h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'Add a tunnel'), h('p', { class: 'hint' }, 'Pick the local port, paste your FusionAuth application’s client id and secret, and run the check.')),
        h('button', { class: `btn${tokenStored ? ' primary' : ''}`, type: 'button', id: 'first-tunnel', onclick: () => show({ kind: 'form' }) }, 'Add a tunnel'),
      ),
      h('li', { 'data-step': 'start' }, h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'Start it and share its URL'), h('p', { class: 'hint' }, 'Only people who sign in with FusionAuth (and are on the allow-list) get through.'))),
    ),
  );
}

// ---------------------------------------------------------------- tunnel detail

async function copyTunnel(name: string, kind: 'url' | 'ngrok-command' | 'traffic-policy'): Promise<void> {
  const r = await api().copyTunnelText({ name, kind });
  if (r.ok) toast(kind === 'url' ? 'URL copied' : kind === 'ngrok-command' ? 'ngrok command copied' : 'Traffic policy copied (the client secret comes from your ngrok vault)');
  else toast(r.error.message, 'error');
}

async function loadExtras(entry: TunnelEntry, into: HTMLElement): Promise<void> {
  const key = `${entry.view.url ?? ''}|${entry.target}|${entry.mode}|${entry.domain ?? ''}|${JSON.stringify(entry.fusionauth ?? null)}`;
  let cached = extrasCache.get(entry.name);
  if (!cached || cached.key !== key) {
    const r = await api().tunnelExtras({ name: entry.name });
    if (!r.ok) return;
    cached = { key, extras: r.value };
    extrasCache.set(entry.name, cached);
  }
  const { extras } = cached;
  into.querySelector<HTMLElement>('[data-role="ngrok-command"]')!.textContent = extras.ngrokCommand;
  into.querySelector<HTMLElement>('[data-role="policy"]')!.textContent = extras.policyYaml;
  const img = into.querySelector<HTMLImageElement>('img.qr-img');
  if (img && extras.qrDataUrl) img.src = extras.qrDataUrl;
}

async function act(button: HTMLButtonElement, run: () => Promise<IpcResult<unknown>>, done?: string): Promise<void> {
  button.disabled = true;
  button.classList.add('busy');
  try {
    const r = await run();
    if (!r.ok) toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    else if (done) toast(done);
  } finally {
    button.disabled = false;
    button.classList.remove('busy');
  }
}

/** Keep a <details>' open state across re-renders. */
function remembered(name: string, what: string, el: HTMLDetailsElement): HTMLDetailsElement {
  el.addEventListener('toggle', () => {
    if (el.open) detailsOpen.add(`${name}:${what}`);
    else detailsOpen.delete(`${name}:${what}`);
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
function errorAction(e: PortholeError, t: TunnelEntry): { label: string; run: () => void } | undefined {
  if (e.code === 'NGROK_AUTHTOKEN' || e.code === 'NO_AUTHTOKEN' || e.field === 'ngrokAuthtoken') return { label: 'Open ngrok settings', run: () => show({ kind: 'settings' }) };
  if (e.code === 'NGROK_TLS' || e.code === 'NGROK_UNREACHABLE') return { label: 'Open ngrok settings', run: () => show({ kind: 'settings' }) };
  if (e.code === 'PREFLIGHT_FAILED' || e.code.startsWith('NGROK_OIDC') || e.field?.startsWith('fusionauth')) return { label: 'Edit FusionAuth settings', run: () => show({ kind: 'form', previousName: t.name }) };
  return undefined;
}

/** A tunnel's error: what went wrong, how to fix it, and the code to search for. */
function errorAlert(t: TunnelEntry, e: PortholeError): HTMLElement {
  const action = errorAction(e, t);
  const code = e.ngrokCode ?? e.code;
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert', 'data-role': 'error' },
    h(
      'div',
      { class: 'alert-text' },
      h('strong', {}, sentence(e.message)),
      e.fix ? h('p', { 'data-role': 'error-fix' }, h('span', { class: 'fix-label' }, 'Fix: '), e.fix) : null,
      h('p', { class: 'code' }, /^ERR_NGROK_/.test(code) ? 'ngrok error ' : 'Error code ', h('code', { 'data-role': 'error-code' }, code)),
    ),
    action ? h('button', { class: 'btn', type: 'button', 'data-action': 'fix-error', onclick: action.run }, action.label) : null,
  );
}

function tunnelPane(t: TunnelEntry): HTMLElement {
  const v = t.view;
  const running = v.state === 'starting' || v.state === 'online' || v.state === 'reconnecting';
  const prot = protectionText(v);
  const url = v.url;
  const isOpen = v.protection === 'open' && v.mode !== 'public';

  const startStop = h(
    'button',
    { class: `btn ${running ? '' : 'primary'}`, type: 'button', 'data-action': running ? 'stop' : 'start' },
    running ? 'Stop' : 'Start',
  );
  startStop.addEventListener('click', () => void act(startStop, () => (running ? api().stopTunnel({ name: t.name }) : api().startTunnel({ name: t.name }))));
  const verify = h('button', { class: 'btn', type: 'button', 'data-action': 'verify', disabled: !(v.state === 'online' && url) }, 'Verify protection');
  verify.addEventListener('click', () => void act(verify, () => api().verifyTunnel({ name: t.name }), 'Protection checked'));

  const qrVisible = qrOpen.has(t.name);
  const pane = h(
    'section',
    { class: 'pane tunnel', 'data-tunnel': t.name },
    h(
      'header',
      { class: 'pane-head' },
      h('div', { class: 'title-row' }, h('h2', {}, t.name), h('span', { class: `pill state-${v.state}`, 'data-role': 'state' }, STATE_LABEL[v.state]), prot && h('span', { class: `pill ${prot.cls}`, 'data-role': 'protection' }, prot.label)),
      h('p', { class: 'sub' }, `${targetLabel(t.target)} · ${MODE_LABEL[t.mode]}${t.domain ? ` · ${t.domain}` : ''}${t.startWithPorthole ? ' · starts with Porthole' : ''}`),
      h(
        'div',
        { class: 'head-actions' },
        h('button', { class: 'btn', type: 'button', onclick: () => show({ kind: 'form', previousName: t.name }) }, 'Edit'),
      ),
    ),
    isOpen && openAlert(t, running),
    v.state === 'error' && v.error && errorAlert(t, v.error),
    v.state === 'reconnecting' &&
      h(
        'div',
        { class: 'alert alert-warn', role: 'status', 'data-role': 'reconnecting' },
        h('div', { class: 'alert-text' }, h('strong', {}, 'The connection to ngrok dropped.'), h('p', {}, 'Porthole is reconnecting by itself and keeps the URL where ngrok allows. Nothing reaches your app until it is back.')),
      ),
    h(
      'div',
      { class: 'url-card' },
      h('div', { class: 'url-label' }, 'Public URL'),
      h(
        'div',
        { class: 'url-row' },
        h('code', { class: `url${url ? '' : ' none'}`, 'data-role': 'url' }, url ?? (running ? 'Waiting for ngrok…' : 'Start the tunnel to get a URL')),
        h('button', { class: 'btn small', type: 'button', 'data-action': 'copy-url', disabled: !url, onclick: () => void copyTunnel(t.name, 'url') }, 'Copy'),
        h('button', { class: 'btn small', type: 'button', 'data-action': 'open-url', disabled: !url, onclick: () => url && void api().openExternal({ url }) }, 'Open'),
        h(
          'button',
          {
            class: `btn small${qrVisible ? ' pressed' : ''}`,
            type: 'button',
            'data-action': 'qr',
            disabled: !url,
            'aria-pressed': qrVisible ? 'true' : 'false',
            onclick: () => {
              if (qrOpen.has(t.name)) qrOpen.delete(t.name);
              else qrOpen.add(t.name);
              renderMain();
            },
          },
          'QR',
        ),
      ),
      url && qrVisible ? h('div', { class: 'qr' }, h('img', { class: 'qr-img', alt: `QR code for ${url}`, width: 168, height: 168 }), h('p', {}, 'Scan to open on a phone')) : null,
      v.protectionReason && !isOpen ? h('p', { class: 'muted small', 'data-role': 'protection-reason' }, `Checked: ${v.protectionReason}`) : null,
    ),
    h('div', { class: 'actions' }, startStop, verify),
    h(
      'section',
      { class: 'share' },
      h('h3', {}, 'Use the same setup elsewhere'),
      h(
        'div',
        { class: 'share-row' },
        h('button', { class: 'btn', type: 'button', 'data-action': 'copy-command', onclick: () => void copyTunnel(t.name, 'ngrok-command') }, 'Copy as ngrok command'),
        h('button', { class: 'btn', type: 'button', 'data-action': 'copy-policy', onclick: () => void copyTunnel(t.name, 'traffic-policy') }, 'Copy traffic policy'),
      ),
      remembered(t.name, 'command', h('details', { open: detailsOpen.has(`${t.name}:command`) }, h('summary', {}, 'Show ngrok command'), h('pre', { 'data-role': 'ngrok-command' }, '…'))),
      remembered(t.name, 'policy', h('details', { open: detailsOpen.has(`${t.name}:policy`) }, h('summary', {}, 'Show traffic policy'), h('pre', { 'data-role': 'policy' }, '…'))),
      h(
        'p',
        { class: 'muted small', 'data-role': 'share-note' },
        t.fusionauth
          ? t.mode === 'oidc-legacy'
            ? 'Neither holds the client secret: the command reads it from $FUSIONAUTH_CLIENT_SECRET, the policy from the ngrok vault “porthole” (its first lines say how to create that once).'
            : 'Neither holds the client secret: both read it from the ngrok vault “porthole” (the policy’s first lines say how to create that once).'
          : 'This tunnel has no FusionAuth settings, so neither holds a secret.',
      ),
    ),
  );
  void loadExtras(t, pane);
  return pane;
}

// ---------------------------------------------------------------- form

const splitList = (s: string): string[] =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Which form field an error's `field` belongs to (`fusionauth.allowEmails[1]` → allowEmails). */
function fieldKey(field: string | undefined): string {
  if (!field) return 'form';
  const f = field.replace(/\[\d+\]/g, '');
  const map: Record<string, string> = {
    name: 'name',
    target: 'target',
    mode: 'mode',
    domain: 'domain',
    fusionauth: 'issuer',
    'fusionauth.issuer': 'issuer',
    'fusionauth.clientId': 'clientId',
    'fusionauth.clientSecret': 'clientSecret',
    'fusionauth.allowEmails': 'allowEmails',
    'fusionauth.allowDomains': 'allowDomains',
    'fusionauth.scopes': 'scopes',
    confirmPublic: 'confirmPublic',
    ngrokAuthtoken: 'authtoken',
    serverAddr: 'serverAddr',
    caPem: 'caPem',
  };
  return map[f] ?? 'form';
}

/** The message without its leading field path ("fusionauth.issuer must be…" → "Must be…"). */
function fieldMessage(e: PortholeError): string {
  let m = e.message;
  if (e.field && m.startsWith(`${e.field} `)) m = m.slice(e.field.length + 1);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** End a message with a full stop unless it has its own punctuation. */
const sentence = (m: string): string => (/[.!?…]$/.test(m) ? m : `${m}.`);

function clearErrors(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function showErrors(root: HTMLElement, errors: PortholeError[]): void {
  clearErrors(root);
  let first: HTMLElement | undefined;
  const seen = new Set<string>();
  for (const e of errors) {
    const key = fieldKey(e.field);
    const slot = root.querySelector<HTMLElement>(`.field-error[data-error-for="${key}"]`) ?? root.querySelector<HTMLElement>('.field-error[data-error-for="form"]');
    if (!slot) continue;
    if (!seen.has(key)) {
      slot.replaceChildren(h('span', { class: 'error-text' }, sentence(fieldMessage(e))));
      if (e.fix) slot.append(h('span', { class: 'error-fix' }, e.fix));
    } else {
      slot.querySelector('.error-text')?.append(` ${sentence(fieldMessage(e))}`);
    }
    seen.add(key);
    slot.hidden = false;
    const field = slot.closest('.field');
    field?.classList.add('invalid');
    const input = field?.querySelector<HTMLElement>('input, textarea, select');
    input?.setAttribute('aria-invalid', 'true');
    first ??= input ?? slot;
  }
  first?.focus();
}

interface FieldOpts {
  key: string;
  label: string;
  hint?: Child;
  control: HTMLElement;
  extra?: Child;
  badge?: Child;
}
function field(o: FieldOpts): HTMLElement {
  const id = o.control.id;
  return h(
    'div',
    { class: 'field', 'data-field': o.key },
    h('label', { for: id }, o.label, o.badge ?? null),
    o.control,
    o.extra ?? null,
    o.hint ? h('p', { class: 'hint' }, o.hint) : null,
    h('p', { class: 'field-error', 'data-error-for': o.key, hidden: true }),
  );
}

let probeTimer: ReturnType<typeof setTimeout> | undefined;

function formPane(existing: TunnelEntry | undefined): HTMLElement {
  const fa = existing?.fusionauth;
  const secretStored = !!fa?.clientSecret.stored;
  const name = h('input', { id: 'f-name', name: 'name', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'web', value: existing?.name ?? '' });
  const target = h('input', { id: 'f-target', name: 'target', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: '3000 or 127.0.0.1:8080', value: existing?.target ?? '' });
  const pick = h('select', { id: 'f-port-pick', 'aria-label': 'Ports listening on this computer' }, h('option', { value: '' }, 'Listening ports…'));
  const refresh = h('button', { class: 'btn small', type: 'button', title: 'Refresh the list of listening ports' }, 'Refresh');
  const portWarning = h('p', { class: 'warning', id: 'target-warning', hidden: true });

  const fillPorts = async (): Promise<void> => {
    const r = await api().listListeningPorts();
    listeningPorts = r.ok ? r.value : [];
    pick.replaceChildren(h('option', { value: '' }, listeningPorts.length ? `Listening ports (${listeningPorts.length})…` : 'No listening ports found'));
    for (const p of listeningPorts) {
      pick.append(h('option', { value: String(p.port) }, `${p.port} — ${p.process ?? 'unknown process'}${p.pid ? ` (pid ${p.pid})` : ''}`));
    }
    if (/^\d+$/.test(target.value) && listeningPorts.some((p) => String(p.port) === target.value)) pick.value = target.value;
  };
  const probe = async (): Promise<void> => {
    const value = target.value.trim();
    const m = /^(?:(?:localhost|127\.0\.0\.1|\[::1\]):)?(\d{1,5})$/.exec(value);
    if (!m) {
      portWarning.hidden = true;
      return;
    }
    const port = Number(m[1]);
    if (port < 1 || port > 65535) return;
    const r = await api().probePort({ port });
    if (target.value.trim() !== value) return; // typed on meanwhile
    portWarning.hidden = !r.ok || r.value.listening;
    portWarning.textContent = `Nothing is listening on port ${port} right now. Start your app first, or check the port.`;
  };
  pick.addEventListener('change', () => {
    if (pick.value) {
      target.value = pick.value;
      if (!name.value.trim()) {
        const proc = listeningPorts.find((p) => String(p.port) === pick.value)?.process;
        const guess = (proc ?? '').toLowerCase().replace(/\.exe$/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
        if (guess) name.value = `${guess}-${pick.value}`.slice(0, 63);
      }
      void probe();
    }
  });
  target.addEventListener('input', () => {
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = setTimeout(() => void probe(), 350);
  });
  refresh.addEventListener('click', () => void fillPorts());

  // Auth mode: a radio group; "public" asks for an explicit confirmation.
  const mode = (existing?.mode ?? 'oidc') as AuthMode;
  const modes = h('div', { class: 'modes', role: 'radiogroup', 'aria-label': 'Who may open the URL', id: 'f-mode' });
  for (const m of ['oidc', 'oidc-legacy', 'internal', 'public'] as AuthMode[]) {
    modes.append(
      h(
        'label',
        { class: `mode mode-${m}` },
        h('input', { type: 'radio', name: 'mode', value: m, checked: m === mode }),
        h('span', { class: 'mode-title' }, MODE_LABEL[m]),
        h('span', { class: 'mode-hint' }, MODE_HINT[m]),
      ),
    );
  }
  const confirmPublic = h('input', { id: 'f-confirm-public', type: 'checkbox', checked: existing?.mode === 'public' });
  const publicBox = h(
    'div',
    { class: 'field public-confirm', 'data-field': 'confirmPublic' },
    h('label', { class: 'check' }, confirmPublic, ' I understand: anyone who has the URL can reach this app, with no sign-in.'),
    h('p', { class: 'field-error', 'data-error-for': 'confirmPublic', hidden: true }),
  );

  const issuer = h('input', { id: 'f-issuer', type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://auth.example.com', value: fa?.issuer ?? '' });
  const clientId = h('input', { id: 'f-client-id', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. 85a03867-dccf-4882-adde-1a79aeec50df', value: fa?.clientId ?? '' });
  const clientSecret = h('input', {
    id: 'f-client-secret',
    type: 'password',
    autocomplete: 'new-password',
    spellcheck: 'false',
    placeholder: secretStored ? 'Stored — leave empty to keep it' : 'Paste the client secret',
  });
  const emails = h('textarea', { id: 'f-emails', rows: 2, spellcheck: 'false', placeholder: 'alice@example.com, bob@example.com' });
  emails.value = (fa?.allowEmails ?? []).join(', ');
  const domains = h('input', { id: 'f-domains', type: 'text', spellcheck: 'false', placeholder: 'example.com', value: (fa?.allowDomains ?? []).join(', ') });
  const scopes = h('input', { id: 'f-scopes', type: 'text', spellcheck: 'false', placeholder: 'email profile', value: (fa?.scopes ?? []).join(' ') });
  const domain = h('input', { id: 'f-domain', type: 'text', spellcheck: 'false', placeholder: 'demo.ngrok.app (optional)', value: existing?.domain ?? '' });
  const startWith = h('input', { id: 'f-start', type: 'checkbox', checked: existing?.startWithPorthole ?? false });

  const checklist = h('div', { class: 'checklist-host', id: 'checklist', 'aria-live': 'polite' });
  const checkBtn = h('button', { class: 'btn', type: 'button', id: 'check-fusionauth' }, 'Check FusionAuth');

  const weak = settings?.secretStorage.weak;
  const faSection = h(
    'fieldset',
    { class: 'group', id: 'fusionauth-group' },
    h('legend', {}, 'FusionAuth application'),
    h('p', { class: 'group-hint' }, 'From FusionAuth: Tenants › Your Tenant › Issuer, and Applications › Your App › OAuth.'),
    field({ key: 'issuer', label: 'Issuer URL', control: issuer, hint: 'Your FusionAuth address, exactly as the tenant’s Issuer setting.' }),
    h(
      'div',
      { class: 'two' },
      field({ key: 'clientId', label: 'Client id', control: clientId }),
      field({
        key: 'clientSecret',
        label: 'Client secret',
        control: clientSecret,
        badge: secretStored ? h('span', { class: 'badge badge-ok', 'data-role': 'secret-stored' }, 'stored') : null,
        hint: weak ? 'No OS keychain on this system: you will be asked before it is stored.' : 'Write-only: stored encrypted in the OS keychain, never shown again.',
      }),
    ),
    h(
      'div',
      { class: 'two' },
      field({ key: 'allowEmails', label: 'Allowed emails', control: emails, hint: 'Comma or newline separated. Empty with no domains: any FusionAuth user.' }),
      field({ key: 'allowDomains', label: 'Allowed email domains', control: domains, hint: 'Without the @, e.g. example.com.' }),
    ),
    h('div', { class: 'check-row' }, checkBtn, h('span', { class: 'muted small' }, 'Runs the same checks as before every start: discovery, issuer, grants, scopes, client credentials.')),
    checklist,
  );

  const formError = h('p', { class: 'field-error form-error', 'data-error-for': 'form', hidden: true });
  const save = h('button', { class: 'btn primary', type: 'submit', id: 'save-tunnel' }, existing ? 'Save changes' : 'Add tunnel');
  const cancel = h('button', { class: 'btn', type: 'button', onclick: () => show(existing ? { kind: 'tunnel', name: existing.name } : { kind: 'empty' }) }, 'Cancel');
  const remove = existing
    ? h('button', { class: 'btn danger-link', type: 'button', id: 'remove-tunnel' }, 'Remove tunnel')
    : null;

  const form = h(
    'form',
    { class: 'pane form', id: 'tunnel-form', novalidate: true, autocomplete: 'off' },
    h('header', { class: 'pane-head' }, h('h2', {}, existing ? `Edit ${existing.name}` : 'New tunnel'), h('p', { class: 'sub' }, 'Share a local port through ngrok, with FusionAuth sign-in in front of it.')),
    h(
      'div',
      { class: 'two' },
      field({
        key: 'target',
        label: 'Local port',
        control: target,
        extra: h('div', { class: 'port-pick' }, pick, refresh),
        hint: 'Pick a port your app listens on, or type one.',
      }),
      field({ key: 'name', label: 'Name', control: name, hint: 'Lowercase letters, digits and dashes.' }),
    ),
    portWarning,
    h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, 'Who may open the URL'),
      h('div', { class: 'field', 'data-field': 'mode' }, modes, h('p', { class: 'field-error', 'data-error-for': 'mode', hidden: true })),
      publicBox,
    ),
    faSection,
    h(
      'details',
      { class: 'group advanced', open: !!existing?.domain },
      h('summary', {}, 'More options'),
      field({ key: 'domain', label: 'Reserved ngrok domain', control: domain, hint: 'Leave empty for an address ngrok assigns.' }),
      field({ key: 'scopes', label: 'Extra scopes', control: scopes, hint: 'openid is always requested, and email whenever an allow-list is set.' }),
    ),
    h('label', { class: 'check start-with' }, startWith, ' Start this tunnel when Porthole starts'),
    formError,
    h('footer', { class: 'form-actions' }, remove, h('span', { class: 'spacer' }), cancel, save),
  );

  const currentMode = (): AuthMode => (form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'oidc') as AuthMode;
  const syncMode = (): void => {
    const m = currentMode();
    publicBox.hidden = m !== 'public';
    faSection.hidden = m === 'public';
    for (const l of modes.querySelectorAll('label.mode')) l.classList.toggle('selected', l.classList.contains(`mode-${m}`));
  };
  modes.addEventListener('change', syncMode);
  syncMode();

  const draftFa = (): FusionAuthDraft => {
    const d: FusionAuthDraft = {
      issuer: issuer.value.trim(),
      clientId: clientId.value.trim(),
      allowEmails: splitList(emails.value),
      allowDomains: splitList(domains.value),
      scopes: splitList(scopes.value),
    };
    if (clientSecret.value) d.clientSecret = clientSecret.value;
    return d;
  };

  checkBtn.addEventListener('click', async () => {
    checkBtn.disabled = true;
    checkBtn.classList.add('busy');
    checklist.replaceChildren(h('p', { class: 'muted' }, 'Checking FusionAuth…'));
    try {
      const r = await api().runPreflight({ ...(existing ? { tunnel: existing.name } : {}), fusionauth: draftFa() });
      if (!r.ok) {
        checklist.replaceChildren();
        showErrors(form, r.errors ?? [r.error]);
        return;
      }
      clearErrors(form);
      checklist.replaceChildren(renderChecklist(r.value));
    } finally {
      checkBtn.disabled = false;
      checkBtn.classList.remove('busy');
    }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const m = currentMode();
    const draft: TunnelDraft = {
      name: name.value.trim(),
      target: target.value.trim(),
      mode: m,
      startWithPorthole: startWith.checked,
    };
    if (existing) draft.previousName = existing.name;
    if (domain.value.trim()) draft.domain = domain.value.trim();
    if (m !== 'public') {
      const d = draftFa();
      // An internal tunnel may leave FusionAuth empty: its policy lives in the ngrok dashboard.
      if (m !== 'internal' || d.issuer || d.clientId || d.clientSecret) draft.fusionauth = d;
    } else draft.confirmPublic = confirmPublic.checked;
    save.disabled = true;
    save.classList.add('busy');
    try {
      const r = await withSecretConsent((allow) => api().saveTunnel({ ...draft, allowInsecureStorage: allow }));
      if (!r.ok) {
        showErrors(form, r.errors ?? [r.error]);
        return;
      }
      clearErrors(form);
      extrasCache.delete(r.value.name);
      upsertEntry(r.value, existing?.name);
      toast(existing ? 'Changes saved' : `Tunnel ${r.value.name} added`);
      show({ kind: 'tunnel', name: r.value.name });
    } finally {
      save.disabled = false;
      save.classList.remove('busy');
    }
  });

  remove?.addEventListener('click', async () => {
    if (!existing) return;
    const yes = await confirmDialog(`Remove ${existing.name}?`, 'The tunnel stops, and its settings and client secret are deleted from this computer.', 'Remove', true);
    if (!yes) return;
    const r = await api().removeTunnel({ name: existing.name });
    if (!r.ok) return toast(r.error.message, 'error');
    snapshot = { tunnels: snapshot.tunnels.filter((t) => t.name !== existing.name) };
    toast(`Removed ${existing.name}`);
    show({ kind: 'empty' });
  });

  void fillPorts();
  if (existing) void probe();
  queueMicrotask(() => (existing ? name : target).focus());
  return form;
}

/** Put a saved entry into the snapshot right away (the push that follows confirms it). */
function upsertEntry(entry: TunnelEntry, previousName?: string): void {
  const tunnels = snapshot.tunnels.filter((t) => t.name !== entry.name && t.name !== previousName);
  const at = previousName ? snapshot.tunnels.findIndex((t) => t.name === previousName) : -1;
  tunnels.splice(at < 0 ? tunnels.length : at, 0, entry);
  snapshot = { tunnels };
}

function renderChecklist(report: PreflightResult): HTMLElement {
  const icon = { pass: '✓', warn: '!', fail: '✕', info: 'i' } as const;
  // The redirect URL can't be probed from outside: it is shown as information, not as a pass.
  const kind = (c: PreflightCheck): keyof typeof icon => (c.id === 'redirect-uri' && c.status === 'pass' ? 'info' : c.status);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  return h(
    'div',
    { class: `checklist ${report.ok ? 'ok' : 'failed'}`, 'data-ok': String(report.ok) },
    h(
      'p',
      { class: 'checklist-summary' },
      report.ok
        ? warned
          ? `FusionAuth is ready, with ${warned} warning${warned > 1 ? 's' : ''}.`
          : 'FusionAuth is ready for this tunnel.'
        : `${failed} check${failed > 1 ? 's' : ''} failed: the tunnel would not start.`,
    ),
    h(
      'ul',
      {},
      ...report.checks.map((c) =>
        h(
          'li',
          { class: `check-item check-${kind(c)}`, 'data-check': c.id, 'data-status': c.status },
          h('span', { class: 'check-icon', 'aria-label': kind(c) }, icon[kind(c)]),
          h(
            'div',
            { class: 'check-body' },
            h('strong', {}, CHECK_LABEL[c.id] ?? c.id),
            h('p', {}, c.message),
            c.fix && c.status !== 'pass' ? h('p', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix: '), c.fix) : null,
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'redirect' },
      h('span', { class: 'redirect-label' }, 'Authorized redirect URL to add in FusionAuth (Applications › Your App › OAuth)'),
      h(
        'div',
        { class: 'url-row' },
        h('code', { class: 'url', 'data-role': 'redirect-uri' }, report.redirectUri),
        h(
          'button',
          {
            class: 'btn small',
            type: 'button',
            'data-action': 'copy-redirect',
            onclick: async () => {
              const r = await api().copyText({ text: report.redirectUri });
              toast(r.ok ? 'Redirect URL copied' : r.error.message, r.ok ? 'ok' : 'error');
            },
          },
          'Copy',
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- settings pane

/** Paste or import the ngrok authtoken (write-only): used by the first-run guide and the settings pane. */
function wireAuthtoken(form: HTMLFormElement, token: HTMLInputElement, importBtn: HTMLButtonElement): void {
  const stored = (next: SettingsView, note: string): void => {
    settings = next;
    token.value = '';
    clearErrors(form);
    toast(note);
    renderAuthtokenStatus();
    renderMain();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!token.value.trim()) return showErrors(form, [{ code: 'INVALID_INPUT', field: 'ngrokAuthtoken', message: 'Paste an authtoken first.' }]);
    const r = await withSecretConsent((allow) => api().saveCredentials({ ngrokAuthtoken: token.value, allowInsecureStorage: allow }));
    if (!r.ok) return showErrors(form, r.errors ?? [r.error]);
    stored(r.value, 'Authtoken stored');
  });
  importBtn.addEventListener('click', async () => {
    const r = await withSecretConsent((allow) => api().importNgrokAuthtoken({ allowInsecureStorage: allow }));
    if (!r.ok) return showErrors(form, [{ ...r.error, field: 'ngrokAuthtoken' }]);
    const fresh = await api().getSettings();
    if (fresh.ok) stored(fresh.value, `Authtoken imported from ${r.value.source}`);
  });
}


function settingsPane(): HTMLElement {
  const s = settings;
  const root = h('section', { class: 'pane settings' }, h('header', { class: 'pane-head' }, h('h2', {}, 'ngrok & app settings')));
  if (!s) {
    root.append(h('p', { class: 'muted' }, 'Loading…'));
    return root;
  }
  const stored = s.ngrok.authtoken.stored;
  const token = h('input', { id: 's-authtoken', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: stored ? 'Stored — paste a new one to replace it' : 'Paste your ngrok authtoken' });
  const saveToken = h('button', { class: 'btn primary', type: 'submit' }, 'Save authtoken');
  const importBtn = h('button', { class: 'btn', type: 'button', id: 'import-authtoken' }, 'Import from ngrok config');

  const tokenForm = h(
    'form',
    { class: 'card', id: 'authtoken-form', novalidate: true },
    h('h3', {}, 'ngrok authtoken ', stored ? h('span', { class: 'badge badge-ok', 'data-role': 'authtoken-stored' }, 'stored') : h('span', { class: 'badge badge-warn' }, 'not set')),
    h('p', { class: 'hint' }, 'From dashboard.ngrok.com › Getting Started › Your Authtoken. Porthole uses one ngrok session for all its tunnels.'),
    field({ key: 'authtoken', label: 'Authtoken', control: token }),
    h('div', { class: 'row' }, saveToken, importBtn),
  );
  wireAuthtoken(tokenForm, token, importBtn);

  const storage = s.secretStorage;
  const storageCard = h(
    'div',
    { class: `card${storage.weak ? ' card-warn' : ''}`, id: 'secret-storage' },
    h('h3', {}, 'Secret storage'),
    storage.weak
      ? h(
          'p',
          {},
          h('strong', {}, 'No OS keychain is available '),
          `(backend “${storage.backend}”). Secrets would be encrypted with a key kept on this computer, so anyone who can read your files could recover them. Porthole asks before storing one. Installing GNOME Keyring or KWallet and restarting Porthole fixes this.`,
        )
      : h('p', {}, `Secrets are encrypted by the OS keychain (${storage.backend}) and never shown again after saving.`),
  );

  const login = h('input', { id: 's-login', type: 'checkbox', checked: s.startAtLogin });
  login.addEventListener('change', async () => {
    const r = await api().saveSettings({ startAtLogin: login.checked });
    if (!r.ok) {
      login.checked = !login.checked; // the system said no: show what it does
      return toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    }
    settings = r.value;
    toast(login.checked ? 'Porthole will start at login' : 'Porthole will not start at login');
  });
  const appCard = h('div', { class: 'card' }, h('h3', {}, 'App'), h('label', { class: 'check' }, login, ' Start Porthole when I log in'));

  const server = h('input', { id: 's-server', type: 'text', spellcheck: 'false', placeholder: 'connect.example.com:443', value: s.ngrok.serverAddr ?? '' });
  const ca = h('textarea', { id: 's-ca', rows: 4, spellcheck: 'false', placeholder: '-----BEGIN CERTIFICATE-----' });
  ca.value = s.ngrok.caPem ?? '';
  const ingress = h(
    'form',
    { class: 'card', id: 'ingress-form', novalidate: true },
    h('h3', {}, 'Custom ngrok ingress'),
    h('p', { class: 'hint' }, 'Only for enterprise setups with their own agent ingress. Leave empty for ngrok’s.'),
    field({ key: 'serverAddr', label: 'Server address', control: server }),
    field({ key: 'caPem', label: 'CA certificate (PEM)', control: ca }),
    h('p', { class: 'field-error', 'data-error-for': 'form', hidden: true }),
    h('div', { class: 'row' }, h('button', { class: 'btn', type: 'submit' }, 'Save ingress')),
  );
  ingress.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api().saveSettings({ serverAddr: server.value.trim() || null, caPem: ca.value.trim() || null });
    if (!r.ok) return showErrors(ingress, r.errors ?? [r.error]);
    clearErrors(ingress);
    for (const el of ingress.querySelectorAll('[data-dirty]')) el.removeAttribute('data-dirty');
    settings = r.value;
    toast('Ingress saved');
  });

  root.append(tokenForm, storageCard, appCard, ingress);
  return root;
}

// ---------------------------------------------------------------- start

/** Something the user typed in the main pane and has not saved yet. */
const paneIsDirty = (): boolean => !!$('main').querySelector('[data-dirty]');

function onState(next: StateSnapshot): void {
  snapshot = { tunnels: next.tunnels };
  const settingsChanged = JSON.stringify(next.settings) !== JSON.stringify(settings);
  settings = next.settings;
  if (settingsChanged) {
    renderAuthtokenStatus();
    renderProblems();
  }
  renderList();
  // Never re-render under the user's fingers (the form, a half-typed authtoken); everything else follows the state.
  if (pane.kind === 'form') return;
  const emptyFilled = pane.kind === 'empty' && snapshot.tunnels.length > 0;
  if (pane.kind === 'tunnel' || emptyFilled || (settingsChanged && !paneIsDirty())) renderMain();
}

function navigate(intent: WindowIntent): void {
  if (intent === 'new-tunnel') show({ kind: 'form' });
  else if (intent === 'ngrok' && !(pane.kind === 'form' && paneIsDirty())) show({ kind: 'settings' });
  else if (pane.kind !== 'form') show(pane);
}

async function main(): Promise<void> {
  // Anything typed in the main pane marks it dirty until the pane is rebuilt (a save re-renders it).
  $('main').addEventListener('input', (ev) => {
    const el = ev.target as HTMLInputElement;
    // text typed (not a checkbox or radio, which take effect at once)
    if (el.type !== 'checkbox' && el.type !== 'radio') el.setAttribute('data-dirty', '');
  });
  $('new-tunnel').addEventListener('click', () => show({ kind: 'form' }));
  $('open-settings').addEventListener('click', () => show({ kind: 'settings' }));
  api().onState(onState);
  api().onNavigate(navigate);
  const [state, s] = await Promise.all([api().getState(), api().getSettings()]);
  if (state.ok) snapshot = { tunnels: state.value.tunnels };
  if (s.ok) settings = s.value;
  renderAuthtokenStatus();
  renderProblems();
  if (location.hash === '#new-tunnel') pane = { kind: 'form' };
  else if (settings && !settings.ngrok.authtoken.stored && snapshot.tunnels.length === 0) pane = { kind: 'empty' };
  show(pane);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', () => void main());
