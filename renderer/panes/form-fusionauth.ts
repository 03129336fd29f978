// browser: the tunnel form's FusionAuth application (issuer, client id and write-only secret, allow-lists)
// and its "Check FusionAuth" button.

import type { FusionAuthDraft, TunnelEntry } from '../../common/contract.js';
import { APP_OAUTH_PATH, TENANT_ISSUER_PATH } from '../../common/fields.js';
import { secretStorageWords } from '../../common/view-rules.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field, showErrors } from '../fields.js';
import { MUST_REENTER, reenterLine } from '../labels.js';
import { state } from '../state.js';
import { renderChecklist } from './checklist.js';

interface FusionAuthFields {
  section: HTMLElement;
  scopes: HTMLInputElement;
  clientSecret: HTMLInputElement;
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
  const mustReenter = !!fa?.clientSecret.mustReenter;
  const issuer = h('input', { id: 'f-issuer', type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://auth.example.com', value: fa?.issuer ?? '' });
  const clientId = h('input', { id: 'f-client-id', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'The Client Id, a UUID', value: fa?.clientId ?? '' });
  const clientSecret = h('input', { id: 'f-client-secret', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: secretStored ? 'Stored — leave empty to keep it' : mustReenter ? 'Paste the client secret again' : 'Paste the client secret' });
  const emails = h('textarea', { id: 'f-emails', rows: 2, spellcheck: 'false', placeholder: 'alice@example.com, bob@example.com' });
  emails.value = (fa?.allowEmails ?? []).join(', ');
  const domains = h('input', { id: 'f-domains', type: 'text', spellcheck: 'false', placeholder: 'example.com', value: (fa?.allowDomains ?? []).join(', ') });
  const scopes = h('input', { id: 'f-scopes', type: 'text', spellcheck: 'false', placeholder: 'email profile', value: (fa?.scopes ?? []).join(' ') });
  return { secretStored, mustReenter, issuer, clientId, clientSecret, emails, domains, scopes };
}

function secretBadge(i: { secretStored: boolean; mustReenter: boolean }): HTMLElement | null {
  if (i.mustReenter) return h('span', { class: 'badge badge-danger', 'data-role': 'secret-reenter' }, MUST_REENTER);
  return i.secretStored ? h('span', { class: 'badge badge-ok', 'data-role': 'secret-stored' }, 'stored') : null;
}

/** `onSetup`: the "Set up FusionAuth for me" path beside these paste fields. */
export function fusionAuthFields(existing: TunnelEntry | undefined, form: () => HTMLElement, onSetup?: () => void): FusionAuthFields {
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
  const storage = state.settings?.secretStorage;
  const weak = storage?.weak;
  const section = h(
    'fieldset',
    { class: 'group', id: 'fusionauth-group' },
    h('legend', {}, 'FusionAuth application'),
    onSetup
      ? h(
          'div',
          { class: 'setup-offer' },
          h('p', {}, h('strong', {}, 'Have a FusionAuth API key?'), ' Porthole can create or repair the application for you, with your consent for each change.'),
          h('button', { class: 'btn small', type: 'button', 'data-action': 'fa-setup', onclick: onSetup }, 'Set up FusionAuth for me'),
        )
      : null,
    h('p', { class: 'group-hint', 'data-role': 'fusionauth-where' }, `Or paste them from FusionAuth: ${TENANT_ISSUER_PATH}, and ${APP_OAUTH_PATH}.`),
    field({ key: 'issuer', label: 'Issuer URL', control: i.issuer, hint: 'Your FusionAuth address, exactly as the tenant’s Issuer setting.' }),
    h(
      'div',
      { class: 'two' },
      field({ key: 'clientId', label: 'Client id', control: i.clientId }),
      field({
        key: 'clientSecret',
        label: 'Client secret',
        control: i.clientSecret,
        badge: secretBadge(i),
        extra: i.mustReenter ? h('p', { class: 'reenter-line', 'data-role': 'reenter-line' }, reenterLine('client secret')) : null,
        hint: weak ? 'No keyring on this system: you will be asked before it is stored (see ngrok & app settings).' : `Write-only: stored encrypted by ${storage ? secretStorageWords(storage).where : 'your system’s keyring'}, never shown again.`,
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
  return { section, scopes: i.scopes, clientSecret: i.clientSecret, draft };
}
