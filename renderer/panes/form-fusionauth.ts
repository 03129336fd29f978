// browser: the tunnel form's FusionAuth application (issuer, client id and write-only secret, allow-lists)
// and its "Check FusionAuth" button.

import type { FusionAuthDraft, TunnelEntry } from '../../common/contract.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field, showErrors } from '../fields.js';
import { state } from '../state.js';
import { renderChecklist } from './checklist.js';

export interface FusionAuthFields {
  section: HTMLElement;
  scopes: HTMLInputElement;
  /** What is typed now, as the draft main takes (the secret only when one was typed). */
  draft(): FusionAuthDraft;
}

export const splitList = (s: string): string[] =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function inputs(existing: TunnelEntry | undefined) {
  const fa = existing?.fusionauth;
  const secretStored = !!fa?.clientSecret.stored;
  const issuer = h('input', { id: 'f-issuer', type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://auth.example.com', value: fa?.issuer ?? '' });
  const clientId = h('input', { id: 'f-client-id', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. 85a03867-dccf-4882-adde-1a79aeec50df', value: fa?.clientId ?? '' });
  const clientSecret = h('input', { id: 'f-client-secret', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: secretStored ? 'Stored — leave empty to keep it' : 'Paste the client secret' });
  const emails = h('textarea', { id: 'f-emails', rows: 2, spellcheck: 'false', placeholder: 'alice@example.com, bob@example.com' });
  emails.value = (fa?.allowEmails ?? []).join(', ');
  const domains = h('input', { id: 'f-domains', type: 'text', spellcheck: 'false', placeholder: 'example.com', value: (fa?.allowDomains ?? []).join(', ') });
  const scopes = h('input', { id: 'f-scopes', type: 'text', spellcheck: 'false', placeholder: 'email profile', value: (fa?.scopes ?? []).join(' ') });
  return { secretStored, issuer, clientId, clientSecret, emails, domains, scopes };
}

export function fusionAuthFields(existing: TunnelEntry | undefined, form: () => HTMLElement): FusionAuthFields {
  const i = inputs(existing);
  const draft = (): FusionAuthDraft => {
    const d: FusionAuthDraft = { issuer: i.issuer.value.trim(), clientId: i.clientId.value.trim(), allowEmails: splitList(i.emails.value), allowDomains: splitList(i.domains.value), scopes: splitList(i.scopes.value) };
    if (i.clientSecret.value) d.clientSecret = i.clientSecret.value;
    return d;
  };
  const checklist = h('div', { class: 'checklist-host', id: 'checklist', 'aria-live': 'polite' });
  const checkBtn = h('button', { class: 'btn', type: 'button', id: 'check-fusionauth' }, 'Check FusionAuth');
  checkBtn.addEventListener('click', async () => {
    checkBtn.disabled = true;
    checkBtn.classList.add('busy');
    checklist.replaceChildren(h('p', { class: 'muted' }, 'Checking FusionAuth…'));
    try {
      const r = await api().runPreflight({ ...(existing ? { tunnel: existing.name } : {}), fusionauth: draft() });
      if (!r.ok) {
        checklist.replaceChildren();
        showErrors(form(), r.errors ?? [r.error]);
        return;
      }
      clearErrors(form());
      checklist.replaceChildren(renderChecklist(r.value));
    } finally {
      checkBtn.disabled = false;
      checkBtn.classList.remove('busy');
    }
  });
  const weak = state.settings?.secretStorage.weak;
  const section = h(
    'fieldset',
    { class: 'group', id: 'fusionauth-group' },
    h('legend', {}, 'FusionAuth application'),
    h('p', { class: 'group-hint' }, 'From FusionAuth: Tenants › Your Tenant › Issuer, and Applications › Your App › OAuth.'),
    field({ key: 'issuer', label: 'Issuer URL', control: i.issuer, hint: 'Your FusionAuth address, exactly as the tenant’s Issuer setting.' }),
    h(
      'div',
      { class: 'two' },
      field({ key: 'clientId', label: 'Client id', control: i.clientId }),
      field({
        key: 'clientSecret',
        label: 'Client secret',
        control: i.clientSecret,
        badge: i.secretStored ? h('span', { class: 'badge badge-ok', 'data-role': 'secret-stored' }, 'stored') : null,
        hint: weak ? 'No OS keychain on this system: you will be asked before it is stored.' : 'Write-only: stored encrypted in the OS keychain, never shown again.',
      }),
    ),
    h(
      'div',
      { class: 'two' },
      field({ key: 'allowEmails', label: 'Allowed emails', control: i.emails, hint: 'Comma or newline separated. Empty with no domains: any FusionAuth user.' }),
      field({ key: 'allowDomains', label: 'Allowed email domains', control: i.domains, hint: 'Without the @, e.g. example.com.' }),
    ),
    h('div', { class: 'check-row' }, checkBtn, h('span', { class: 'muted small' }, 'Runs the same checks as before every start: discovery, issuer, grants, scopes, client credentials.')),
    checklist,
  );
  return { section, scopes: i.scopes, draft };
}
