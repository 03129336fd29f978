// browser: the add/edit tunnel form — local port, name, who may open the URL, the FusionAuth application,
// more options — and saving or removing the tunnel.

import type { TunnelDraft, TunnelEntry } from '../../common/contract.js';
import type { AuthMode } from '../../common/types.js';
import { AUTH_MODES } from '../../common/types.js';
import { needsFusionAuth } from '../../common/view-rules.js';
import { api, withSecretConsent } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field, showErrors } from '../fields.js';
import { MODE_HINT, MODE_LABEL } from '../labels.js';
import { removeEntry, upsertEntry, type Nav } from '../state.js';
import { confirmDialog, toast } from '../ui.js';
import { fusionAuthFields } from './form-fusionauth.js';
import { targetFields } from './form-target.js';
import { forgetExtras } from './tunnel.js';
import { forgetVisits } from './visits.js';

/** Who may open the URL: a radio group; "public" asks for an explicit confirmation. */
function modeFields(existing: TunnelEntry | undefined) {
  const mode = existing?.mode ?? 'oidc';
  const modes = h('div', { class: 'modes', role: 'radiogroup', 'aria-label': 'Who may open the URL', id: 'f-mode' });
  for (const m of AUTH_MODES) {
    modes.append(
      h('label', { class: `mode mode-${m}` }, h('input', { type: 'radio', name: 'mode', value: m, checked: m === mode }), h('span', { class: 'mode-title' }, MODE_LABEL[m]), h('span', { class: 'mode-hint' }, MODE_HINT[m])),
    );
  }
  const confirmPublic = h('input', { id: 'f-confirm-public', type: 'checkbox', checked: existing?.mode === 'public' });
  const publicBox = h(
    'div',
    { class: 'field public-confirm', 'data-field': 'confirmPublic' },
    h('label', { class: 'check' }, confirmPublic, ' I understand: anyone who has the URL can reach this app, with no sign-in.'),
    h('p', { class: 'field-error', 'data-error-for': 'confirmPublic', hidden: true }),
  );
  const current = (): AuthMode => (modes.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'oidc') as AuthMode;
  const group = h(
    'fieldset',
    { class: 'group' },
    h('legend', {}, 'Who may open the URL'),
    h('div', { class: 'field', 'data-field': 'mode' }, modes, h('p', { class: 'field-error', 'data-error-for': 'mode', hidden: true })),
    publicBox,
  );
  return { group, modes, publicBox, confirmPublic, current };
}

async function removeTunnel(nav: Nav, name: string): Promise<void> {
  const yes = await confirmDialog(`Remove ${name}?`, 'The tunnel stops, and its settings and client secret are deleted from this computer.', 'Remove', true);
  if (!yes) return;
  const r = await api().removeTunnel({ name });
  if (!r.ok) return toast(r.error.message, 'error');
  removeEntry(name);
  forgetVisits(name);
  toast(`Removed ${name}`);
  nav.show({ kind: 'empty' });
}

/** Save the draft; on success the tunnel's pane shows it. */
async function saveTunnel(nav: Nav, form: HTMLFormElement, save: HTMLButtonElement, draft: TunnelDraft, existing: TunnelEntry | undefined): Promise<void> {
  save.disabled = true;
  save.classList.add('busy');
  try {
    const r = await withSecretConsent((allow) => api().saveTunnel({ ...draft, allowInsecureStorage: allow }));
    if (!r.ok) return showErrors(form, r.errors ?? [r.error]);
    clearErrors(form);
    forgetExtras(r.value.name);
    upsertEntry(r.value, existing?.name);
    toast(existing ? 'Changes saved' : `Tunnel ${r.value.name} added`);
    nav.show({ kind: 'tunnel', name: r.value.name });
  } finally {
    save.disabled = false;
    save.classList.remove('busy');
  }
}

function footer(nav: Nav, existing: TunnelEntry | undefined): { el: HTMLElement; save: HTMLButtonElement } {
  const save = h('button', { class: 'btn primary', type: 'submit', id: 'save-tunnel' }, existing ? 'Save changes' : 'Add tunnel');
  const cancel = h('button', { class: 'btn', type: 'button', onclick: () => nav.show(existing ? { kind: 'tunnel', name: existing.name } : { kind: 'empty' }) }, 'Cancel');
  const remove = existing ? h('button', { class: 'btn danger-link', type: 'button', id: 'remove-tunnel', onclick: () => void removeTunnel(nav, existing.name) }, 'Remove tunnel') : null;
  return { el: h('footer', { class: 'form-actions' }, remove, h('span', { class: 'spacer' }), cancel, save), save };
}

/** `reenter`: main asked for this tunnel's client secret, which can no longer be read: open at that field. */
export function formPane(nav: Nav, existing: TunnelEntry | undefined, reenter = false): HTMLElement {
  const tf = targetFields(existing);
  const mf = modeFields(existing);
  const fa = fusionAuthFields(existing, () => form, () => nav.show({ kind: 'fa-setup', ...(existing ? { tunnel: existing.name } : { name: tf.nameValue(), target: tf.target.value.trim() }) }));
  const domain = h('input', { id: 'f-domain', type: 'text', spellcheck: 'false', placeholder: 'demo.ngrok.app (optional)', value: existing?.domain ?? '' });
  const startWith = h('input', { id: 'f-start', type: 'checkbox', checked: existing?.startWithPorthole ?? false });
  const record = h('input', { id: 'f-record', type: 'checkbox', checked: existing?.record ?? true });
  const hostHeader = h(
    'select',
    { id: 'f-host-header' },
    h('option', { value: 'as-sent' }, 'As sent (the tunnel’s host name)'),
    h('option', { value: 'rewrite' }, 'Rewrite to the local target'),
  );
  hostHeader.value = existing?.hostHeader ?? 'as-sent';
  const pool = h('input', { id: 'f-pool', type: 'checkbox', checked: existing?.pool ?? false });
  const foot = footer(nav, existing);
  const form = h(
    'form',
    { class: 'pane form', id: 'tunnel-form', novalidate: true, autocomplete: 'off' },
    h('header', { class: 'pane-head' }, h('h2', {}, existing ? `Edit ${existing.name}` : 'New tunnel'), h('p', { class: 'sub' }, 'Share a local port through ngrok, with FusionAuth sign-in in front of it.')),
    tf.row,
    tf.portWarning,
    mf.group,
    fa.section,
    h(
      'details',
      { class: 'group advanced', open: !!existing?.domain || !!existing?.pool || existing?.hostHeader === 'rewrite' },
      h('summary', {}, 'More options'),
      field({ key: 'domain', label: 'Reserved ngrok domain', control: domain, hint: 'Leave empty for an address ngrok assigns.' }),
      field({ key: 'hostHeader', label: 'Host header', control: hostHeader, hint: 'Rewrite when a dev server refuses other hosts (Vite’s “Blocked request”, webpack’s “Invalid Host header”).' }),
      field({ key: 'scopes', label: 'Extra scopes', control: fa.scopes, hint: 'openid is always requested, and email whenever an allow-list is set.' }),
      h('label', { class: 'check' }, record, h('span', {}, 'Record requests (who visited, what and when; in memory only). Off: nothing but ngrok’s SDK is in the data path.')),
      h(
        'div',
        { class: 'field', 'data-field': 'pool' },
        h('label', { class: 'check' }, pool, h('span', {}, 'Share this URL with other agents (pool)')),
        h('p', { class: 'hint' }, 'Needs a reserved domain or the internal mode. Every agent that pools the same URL serves some of its visitors (ngrok spreads them), and a reconnect after sleep never waits for ngrok to let go of the old connection.'),
        h('p', { class: 'field-error', 'data-error-for': 'pool', hidden: true }),
      ),
    ),
    h('label', { class: 'check start-with' }, startWith, ' Start this tunnel when Porthole starts'),
    h('p', { class: 'field-error form-error', 'data-error-for': 'form', hidden: true }),
    foot.el,
  );

  const syncMode = (): void => {
    const m = mf.current();
    mf.publicBox.hidden = m !== 'public';
    fa.section.hidden = m === 'public';
    for (const l of mf.modes.querySelectorAll('label.mode')) l.classList.toggle('selected', l.classList.contains(`mode-${m}`));
  };
  mf.modes.addEventListener('change', syncMode);
  syncMode();

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const m = mf.current();
    const draft: TunnelDraft = {
      name: tf.nameValue(),
      target: tf.target.value.trim(),
      mode: m,
      startWithPorthole: startWith.checked,
      record: record.checked,
      hostHeader: hostHeader.value === 'rewrite' ? 'rewrite' : 'as-sent',
      pool: pool.checked,
    };
    if (existing) draft.previousName = existing.name;
    if (domain.value.trim()) draft.domain = domain.value.trim();
    if (m === 'public') draft.confirmPublic = mf.confirmPublic.checked;
    else {
      const d = fa.draft();
      // An internal tunnel may leave FusionAuth empty: its policy lives in the ngrok dashboard.
      if (needsFusionAuth(m) || d.issuer || d.clientId || d.clientSecret) draft.fusionauth = d;
    }
    void saveTunnel(nav, form, foot.save, draft, existing);
  });

  void tf.fillPorts();
  if (existing) void tf.probe();
  queueMicrotask(() => {
    const first = reenter && existing ? fa.clientSecret : existing ? tf.name : tf.target;
    if (reenter) first.scrollIntoView({ block: 'center' });
    first.focus();
  });
  return form;
}
