// browser: "Set up FusionAuth for me" — the FusionAuth URL and a write-only API key; "Show plan" reads
// FusionAuth and lists what would change (the tenant issuer only with its own checkbox, because every
// application on that tenant signs its tokens with it); "Apply" writes it, stores the client id and
// secret in Porthole's encrypted store, and shows the preflight run with them. Nothing is written before
// Apply, and Apply writes only the plan shown (if FusionAuth changed meanwhile, the new plan is shown
// to approve instead); FusionAuth's refusals land under the field they concern.

import type { FusionAuthApplied, FusionAuthApplyRequest, FusionAuthPlanView, FusionAuthSetupError, PlanLine } from '../../common/contract.js';
import { api, withSecretConsent } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field } from '../fields.js';
import { sentence } from '../labels.js';
import { defaultTunnelName } from '../../common/view-rules.js';
import { findTunnel, type Nav } from '../state.js';
import { renderChecklist } from './checklist.js';
import { splitList } from './form-fusionauth.js';

interface SetupPaneOpts {
  /** The stored tunnel that receives the credentials; absent: a new tunnel (name and port asked here). */
  tunnel?: string;
  /** What the new-tunnel form held when the user came here. */
  name?: string;
  target?: string;
}

const input = (id: string, attrs: Record<string, string> = {}): HTMLInputElement => h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });

function setupInputs(o: SetupPaneOpts) {
  return {
    name: input('fa-name', { placeholder: o.target ? defaultTunnelName(o.target) : 'port-3000', value: o.name ?? '' }),
    target: input('fa-target', { placeholder: '3000 or 127.0.0.1:8080', value: o.target ?? '' }),
    url: input('fa-url', { type: 'url', placeholder: 'https://acme.fusionauth.io' }),
    apiKey: input('fa-api-key', { type: 'password', autocomplete: 'new-password', placeholder: 'Paste an API key' }),
    tenant: input('fa-tenant', { placeholder: 'Only when FusionAuth has several tenants' }),
    appName: input('fa-app', { placeholder: 'Porthole' }),
    register: h('textarea', { id: 'fa-register', rows: 2, spellcheck: 'false', placeholder: 'alice@example.com, bob@example.com' }),
    requireReg: h('input', { id: 'fa-require', type: 'checkbox' }),
    remember: h('input', { id: 'fa-remember', type: 'checkbox' }),
  };
}
type Inputs = ReturnType<typeof setupInputs>;

/** Which slot an error of the set-up belongs to: its `field`, else what its code is about. */
function slotOf(e: { code: string; field?: string }): string {
  const byField: Record<string, string> = { 'fusionauth.url': 'fa-url', 'fusionauth.apiKey': 'fa-api-key', target: 'fa-target', name: 'fa-name', 'application.name': 'fa-app', tenantId: 'fa-tenant' };
  if (e.field && byField[e.field]) return byField[e.field]!;
  if (e.field?.startsWith('register') || e.code === 'FUSIONAUTH_USER_NOT_FOUND') return 'fa-register';
  if (e.code === 'FUSIONAUTH_API_KEY' || e.code === 'FUSIONAUTH_API_PERMISSION') return 'fa-api-key';
  if (e.code.startsWith('FUSIONAUTH_TENANT')) return 'fa-tenant';
  if (['FUSIONAUTH_UNREACHABLE', 'FUSIONAUTH_TIMEOUT', 'FUSIONAUTH_RESPONSE_TOO_LARGE', 'FUSIONAUTH_BAD_RESPONSE'].includes(e.code)) return 'fa-url';
  return 'fa-form';
}

function putError(root: HTMLElement, slot: string, message: string, fix?: string): HTMLElement | undefined {
  const el = root.querySelector<HTMLElement>(`.field-error[data-error-for="${slot}"]`) ?? root.querySelector<HTMLElement>('.field-error[data-error-for="fa-form"]');
  if (!el) return undefined;
  if (el.hidden) el.replaceChildren(h('span', { class: 'error-text' }, sentence(message)));
  else el.querySelector('.error-text')?.append(` ${sentence(message)}`);
  if (fix && !el.querySelector('.error-fix')) el.append(h('span', { class: 'error-fix' }, fix));
  el.hidden = false;
  const f = el.closest('.field');
  f?.classList.add('invalid');
  const control = f?.querySelector<HTMLElement>('input, textarea');
  control?.setAttribute('aria-invalid', 'true');
  return control ?? el;
}

/** The set-up's error under its field, and each of FusionAuth's own fieldErrors under theirs (or in the general slot, named). */
function showSetupError(root: HTMLElement, e: FusionAuthSetupError): void {
  clearErrors(root);
  const first = putError(root, slotOf(e), e.message, e.fix);
  for (const fe of e.fieldErrors ?? []) {
    const slot = slotOf({ code: fe.code, field: fe.field });
    putError(root, slot, slot === 'fa-form' && fe.field ? `${fe.field}: ${fe.message}` : fe.message);
  }
  first?.focus();
}

/** Plan text marks names with *…* and values with `…`: shown as emphasis and code, as text nodes. */
function planText(text: string): (Node | string)[] {
  return text.split(/(\*[^*]+\*|`[^`]+`)/).filter(Boolean).map((part) => {
    if (/^\*[^*]+\*$/.test(part)) return h('em', {}, part.slice(1, -1));
    if (/^`[^`]+`$/.test(part)) return h('code', {}, part.slice(1, -1));
    return part;
  });
}

function planLine(line: PlanLine, onConsent: () => void): HTMLElement {
  if (!line.consent) return h('li', { class: 'plan-line', 'data-kind': line.kind }, h('span', { class: 'plan-icon', 'aria-hidden': 'true' }, '+'), h('span', {}, ...planText(line.text)));
  const box = h('input', { type: 'checkbox', 'data-consent': line.consent, checked: line.consented, onchange: onConsent });
  return h(
    'li',
    { class: 'plan-line plan-consent', 'data-kind': line.kind },
    h('label', { class: 'check' }, box, h('span', {}, ...planText(line.text))),
    // the line above already says every application on the tenant signs with it: only what follows from that
    h('p', { class: 'plan-warning', 'data-role': 'issuer-warning' }, `So the sign-ins of their users change too, not only this tunnel's. Nothing is written until you tick the box.`),
  );
}

/** Apply with the consent given and the plan's lines, so main writes only what this plan showed. */
type ApplyPlan = (fixIssuer: boolean, approved: string[]) => void;

/** The plan, its consent boxes, and Apply (enabled once every change that needs consent has it). */
function planView(plan: FusionAuthPlanView, apply: ApplyPlan): HTMLElement {
  const applyBtn = h('button', { class: 'btn primary', type: 'button', 'data-action': 'apply-setup' }, plan.nothingToDo ? 'Store the credentials and check' : 'Apply');
  const boxes = (): HTMLInputElement[] => [...root.querySelectorAll<HTMLInputElement>('input[data-consent]')];
  const note = h('span', { class: 'muted small', 'data-role': 'consent-note' });
  const sync = (): void => {
    const missing = boxes().some((b) => !b.checked);
    applyBtn.disabled = missing;
    note.textContent = missing ? 'Tick the change above to apply the plan; until then nothing in FusionAuth is written.' : '';
  };
  applyBtn.addEventListener('click', () => apply(boxes().some((b) => b.dataset.consent === 'fixIssuer' && b.checked), plan.lines.map((l) => l.text)));
  const root = h(
    'div',
    { class: 'plan', 'data-role': 'plan' },
    h('h3', {}, plan.nothingToDo ? 'FusionAuth is already set up' : `What Porthole will change in FusionAuth (tenant ${plan.tenant.name || plan.tenant.id})`),
    plan.nothingToDo
      ? h('p', { 'data-role': 'nothing-to-do' }, 'Nothing to change: the application, its redirect URL and grants are in place. Porthole will store the client id and secret and run the check.')
      : h('ul', { class: 'plan-lines' }, ...plan.lines.map((l) => planLine(l, sync))),
    h('div', { class: 'row' }, applyBtn, note),
  );
  sync();
  return root;
}

/** After Apply: what changed, the checklist run with the new credentials, and the way to the tunnel. */
function appliedView(nav: Nav, a: FusionAuthApplied): HTMLElement {
  return h(
    'div',
    { class: 'applied', 'data-role': 'applied' },
    h('h3', {}, a.created ? 'FusionAuth is set up: application created' : a.changes.length ? 'FusionAuth is set up: application repaired' : 'FusionAuth was already set up'),
    a.changes.length ? h('ul', { class: 'plan-lines done' }, ...a.changes.map((c) => h('li', { class: 'plan-line' }, h('span', { class: 'plan-icon', 'aria-hidden': 'true' }, '✓'), h('span', {}, ...planText(c))))) : null,
    h('p', { class: 'small', 'data-role': 'stored-note' }, `Client id ${a.clientId} and its secret are stored for tunnel ${a.tunnel}${a.apiKeyStored ? '; the API key is remembered, encrypted' : '; the API key was used for this step only'}.`),
    renderChecklist(a.checks),
    h('div', { class: 'row' }, h('button', { class: 'btn primary', type: 'button', 'data-action': 'show-tunnel', onclick: () => nav.show({ kind: 'tunnel', name: a.tunnel }) }, `Show tunnel ${a.tunnel}`)),
  );
}

function request(i: Inputs, o: SetupPaneOpts): FusionAuthApplyRequest {
  const target = i.target.value.trim();
  const name = i.name.value.trim() || (target ? defaultTunnelName(target) : '');
  const r: FusionAuthApplyRequest = { url: i.url.value.trim(), tunnel: o.tunnel ?? name, requireRegistration: i.requireReg.checked, register: splitList(i.register.value), rememberApiKey: i.remember.checked };
  if (i.apiKey.value) r.apiKey = i.apiKey.value;
  if (i.tenant.value.trim()) r.tenantId = i.tenant.value.trim();
  if (i.appName.value.trim()) r.appName = i.appName.value.trim();
  if (!o.tunnel) r.target = i.target.value.trim();
  return r;
}

/** A button that is busy while `run` runs. */
async function busy(btn: HTMLButtonElement, run: () => Promise<void>): Promise<void> {
  btn.disabled = true;
  btn.classList.add('busy');
  try {
    await run();
  } finally {
    btn.disabled = false;
    btn.classList.remove('busy');
  }
}

function setupForm(i: Inputs, o: SetupPaneOpts): HTMLElement {
  const t = o.tunnel ? findTunnel(o.tunnel) : undefined;
  return h(
    'div',
    { class: 'setup-fields' },
    o.tunnel
      ? h('p', { class: 'sub', 'data-role': 'setup-for' }, `For tunnel ${o.tunnel}${t ? ` (${t.target})` : ''}: its client id and secret are replaced; its allow-lists stay.`)
      : h('div', { class: 'two' }, field({ key: 'fa-target', label: 'Local port', control: i.target }), field({ key: 'fa-name', label: 'Tunnel name', control: i.name, hint: 'Lowercase letters, digits and dashes.' })),
    h('div', { class: 'two' }, field({ key: 'fa-url', label: 'FusionAuth URL', control: i.url, hint: 'What your tenant’s issuer should be.' }), field({ key: 'fa-api-key', label: 'API key', control: i.apiKey, hint: 'FusionAuth › Settings › API Keys. Write-only.' })),
    h('div', { class: 'two' }, field({ key: 'fa-app', label: 'Application name (optional)', control: i.appName }), field({ key: 'fa-tenant', label: 'Tenant id (optional)', control: i.tenant })),
    h('label', { class: 'check' }, i.requireReg, ' Only users registered to this application may sign in (FusionAuth checks it, before the allow-lists)'),
    field({ key: 'fa-register', label: 'Register these existing users (optional)', control: i.register, hint: 'Emails of FusionAuth users, comma or newline separated.' }),
    h('label', { class: 'check' }, i.remember, ' Remember the API key (encrypted, like the other secrets) for the next set-up'),
    h('p', { class: 'field-error form-error', 'data-error-for': 'fa-form', hidden: true }),
  );
}

export function faSetupPane(nav: Nav, o: SetupPaneOpts): HTMLElement {
  const i = setupInputs(o);
  // the name proposed for the port, as the tunnel form and `porthole share <port>` name it
  i.target.addEventListener('input', () => (i.name.placeholder = i.target.value.trim() ? defaultTunnelName(i.target.value) : 'port-3000'));
  const result = h('div', { class: 'setup-result', 'aria-live': 'polite' });
  const planBtn = h('button', { class: 'btn', type: 'button', 'data-action': 'show-plan' }, 'Show plan');
  const root = h(
    'section',
    { class: 'pane fa-setup', 'data-role': 'fa-setup' },
    h('header', { class: 'pane-head' }, h('h2', {}, 'Set up FusionAuth for me'), h('p', { class: 'sub' }, 'Porthole creates or repairs the FusionAuth application ngrok needs, with your consent for each change, then checks it.')),
    setupForm(i, o),
    h('div', { class: 'row' }, planBtn, h('button', { class: 'btn link', type: 'button', onclick: () => nav.show(o.tunnel ? { kind: 'form', previousName: o.tunnel } : { kind: 'form' }) }, 'Paste a client id and secret instead')),
    result,
  );
  const apply: ApplyPlan = (fixIssuer, approved) => {
    const btn = result.querySelector<HTMLButtonElement>('[data-action="apply-setup"]')!;
    void busy(btn, async () => {
      const r = await withSecretConsent(async (allow) => {
        const x = await api().applyFusionAuthSetup({ ...request(i, o), fixIssuer, approved, allowInsecureStorage: allow });
        // the storage answer comes inside the set-up's outcome: lift it to where the consent dialog looks
        return x.ok && !x.value.ok && x.value.error.code === 'SECRET_STORAGE_WEAK' ? { ok: false as const, error: { code: 'SECRET_STORAGE_WEAK' as const, message: x.value.error.message } } : x;
      });
      if (!r.ok) return showSetupError(root, r.error);
      if (!r.value.ok) {
        const e = r.value.error;
        // FusionAuth changed after the plan was shown: nothing was written; this plan needs approving anew.
        if (e.code === 'FUSIONAUTH_PLAN_CHANGED' && e.plan) result.replaceChildren(planView(e.plan, apply));
        return showSetupError(root, e);
      }
      clearErrors(root);
      i.apiKey.value = '';
      result.replaceChildren(appliedView(nav, r.value.value));
    });
  };
  planBtn.addEventListener('click', () =>
    void busy(planBtn, async () => {
      result.replaceChildren(h('p', { class: 'muted' }, 'Reading FusionAuth…'));
      const r = await api().planFusionAuthSetup(request(i, o));
      if (!r.ok || !r.value.ok) {
        result.replaceChildren();
        return showSetupError(root, r.ok ? (r.value as { error: FusionAuthSetupError }).error : r.error);
      }
      clearErrors(root);
      result.replaceChildren(planView(r.value.value, apply));
    }),
  );
  queueMicrotask(() => (o.tunnel || (i.name.value && i.target.value) ? i.url : i.target).focus());
  return root;
}
