// browser: the "ngrok & app settings" pane — the authtoken, where secrets are stored, start at login, and
// a custom ngrok ingress.

import type { SettingsView } from '../../common/contract.js';
import { secretStorageWords } from '../../common/view-rules.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field, showErrors, wireNotifyNewVisitors } from '../fields.js';
import { MUST_REENTER, reenterLine } from '../labels.js';
import { state, type Nav } from '../state.js';
import { toast } from '../ui.js';
import { wireAuthtoken } from './authtoken.js';

function authtokenBadge(s: SettingsView): HTMLElement {
  const { stored, mustReenter } = s.ngrok.authtoken;
  if (mustReenter) return h('span', { class: 'badge badge-danger', 'data-role': 'authtoken-reenter' }, MUST_REENTER);
  return stored ? h('span', { class: 'badge badge-ok', 'data-role': 'authtoken-stored' }, 'stored') : h('span', { class: 'badge badge-warn' }, 'not set');
}

function authtokenCard(nav: Nav, s: SettingsView, reenter: boolean): HTMLElement {
  const { stored, mustReenter } = s.ngrok.authtoken;
  const token = h('input', { id: 's-authtoken', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: stored ? 'Stored — paste a new one to replace it' : mustReenter ? 'Paste your ngrok authtoken again' : 'Paste your ngrok authtoken' });
  const saveToken = h('button', { class: 'btn primary', type: 'submit' }, 'Save authtoken');
  const importBtn = h('button', { class: 'btn', type: 'button', id: 'import-authtoken' }, 'Import from ngrok config');
  const form = h(
    'form',
    { class: `card${mustReenter ? ' card-warn' : ''}`, id: 'authtoken-form', novalidate: true },
    h('h3', {}, 'ngrok authtoken ', authtokenBadge(s)),
    mustReenter ? h('p', { class: 'reenter-line', 'data-role': 'reenter-line' }, reenterLine('ngrok authtoken')) : null,
    h('p', { class: 'hint' }, 'From dashboard.ngrok.com › Getting Started › Your Authtoken. Porthole uses one ngrok session for all its tunnels.'),
    field({ key: 'authtoken', label: 'Authtoken', control: token }),
    h('div', { class: 'row' }, saveToken, importBtn),
  );
  wireAuthtoken(nav, form, token, importBtn);
  // main asked for this field (ReenterIntent): put the cursor there once the pane is in the page
  if (reenter) queueMicrotask(() => (token.scrollIntoView({ block: 'center' }), token.focus()));
  return form;
}

function storageCard(s: SettingsView): HTMLElement {
  const storage = s.secretStorage;
  const words = secretStorageWords(storage);
  const weak = storage.weak || !storage.available;
  return h(
    'div',
    { class: `card${weak ? ' card-warn' : ''}`, id: 'secret-storage' },
    h('h3', {}, 'Secret storage'),
    weak
      ? h('p', { 'data-role': 'storage-where' }, h('strong', {}, `${words.where.charAt(0).toUpperCase()}${words.where.slice(1)}.`), ' Anyone who can read your files could recover them, so Porthole asks before storing one.')
      : h('p', { 'data-role': 'storage-where' }, `Secrets are encrypted by ${words.where} and never shown again after saving.`),
    words.fix ? h('p', { 'data-role': 'storage-fix' }, h('span', { class: 'fix-label' }, 'What to do: '), words.fix) : null,
  );
}

/** Where the agent API is, or why it isn't: said under its switch. */
function agentApiWords(s: SettingsView): string {
  if (!s.agentApi.on) return 'Off. When on, scripts written for ngrok’s agent (curl …/api/requests/http) work with Porthole, on this computer only.';
  if (s.agentApi.url) return `Served at ${s.agentApi.url}/api (this computer only; credentials shown as [redacted]).`;
  return `Could not be served: ${s.agentApi.problem ?? 'no free port from 4040 to 4049'}.`;
}

function appCard(s: SettingsView): HTMLElement {
  const login = h('input', { id: 's-login', type: 'checkbox', checked: s.startAtLogin });
  login.addEventListener('change', async () => {
    const r = await api().saveSettings({ startAtLogin: login.checked });
    if (!r.ok) {
      login.checked = !login.checked; // the system said no: show what it does
      return toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    }
    state.settings = r.value;
    toast(login.checked ? 'Porthole will start at login' : 'Porthole will not start at login');
  });
  const notify = h('input', { id: 's-notify-new', type: 'checkbox', checked: s.notifyNewVisitors !== false });
  wireNotifyNewVisitors(notify);
  const agent = h('input', { id: 's-agent-api', type: 'checkbox', checked: s.agentApi.on });
  const where = h('p', { class: 'hint', 'data-role': 'agent-api' }, agentApiWords(s));
  agent.addEventListener('change', async () => {
    agent.disabled = true;
    const r = await api().saveSettings({ agentApi: agent.checked });
    agent.disabled = false;
    if (!r.ok) {
      agent.checked = !agent.checked;
      return toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    }
    state.settings = r.value;
    where.textContent = agentApiWords(r.value);
  });
  return h(
    'div',
    { class: 'card' },
    h('h3', {}, 'App'),
    h('label', { class: 'check' }, login, ' Start Porthole when I log in'),
    h('label', { class: 'check' }, notify, ' Notify me when someone new signs in to a tunnel'),
    h('label', { class: 'check' }, agent, ' Serve ngrok’s agent API for scripts (inspect and replay requests)'),
    where,
  );
}

function ingressCard(s: SettingsView): HTMLElement {
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
    state.settings = r.value;
    toast('Ingress saved');
  });
  return ingress;
}

export function settingsPane(nav: Nav, reenter = false): HTMLElement {
  const s = state.settings;
  const root = h('section', { class: 'pane settings' }, h('header', { class: 'pane-head' }, h('h2', {}, 'ngrok & app settings')));
  if (!s) root.append(h('p', { class: 'muted' }, 'Loading…'));
  else root.append(authtokenCard(nav, s, reenter), storageCard(s), appCard(s), ingressCard(s));
  return root;
}
