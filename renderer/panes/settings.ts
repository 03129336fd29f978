// browser: the "ngrok & app settings" pane — the authtoken, where secrets are stored, start at login, and
// a custom ngrok ingress.

import type { SettingsView } from '../../common/contract.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { clearErrors, field, showErrors } from '../fields.js';
import { state, type Nav } from '../state.js';
import { toast } from '../ui.js';
import { wireAuthtoken } from './authtoken.js';

function authtokenCard(nav: Nav, s: SettingsView): HTMLElement {
  const stored = s.ngrok.authtoken.stored;
  const token = h('input', { id: 's-authtoken', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: stored ? 'Stored — paste a new one to replace it' : 'Paste your ngrok authtoken' });
  const saveToken = h('button', { class: 'btn primary', type: 'submit' }, 'Save authtoken');
  const importBtn = h('button', { class: 'btn', type: 'button', id: 'import-authtoken' }, 'Import from ngrok config');
  const form = h(
    'form',
    { class: 'card', id: 'authtoken-form', novalidate: true },
    h('h3', {}, 'ngrok authtoken ', stored ? h('span', { class: 'badge badge-ok', 'data-role': 'authtoken-stored' }, 'stored') : h('span', { class: 'badge badge-warn' }, 'not set')),
    h('p', { class: 'hint' }, 'From dashboard.ngrok.com › Getting Started › Your Authtoken. Porthole uses one ngrok session for all its tunnels.'),
    field({ key: 'authtoken', label: 'Authtoken', control: token }),
    h('div', { class: 'row' }, saveToken, importBtn),
  );
  wireAuthtoken(nav, form, token, importBtn);
  return form;
}

function storageCard(s: SettingsView): HTMLElement {
  const storage = s.secretStorage;
  return h(
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
  return h('div', { class: 'card' }, h('h3', {}, 'App'), h('label', { class: 'check' }, login, ' Start Porthole when I log in'));
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

export function settingsPane(nav: Nav): HTMLElement {
  const s = state.settings;
  const root = h('section', { class: 'pane settings' }, h('header', { class: 'pane-head' }, h('h2', {}, 'ngrok & app settings')));
  if (!s) root.append(h('p', { class: 'muted' }, 'Loading…'));
  else root.append(authtokenCard(nav, s), storageCard(s), appCard(s), ingressCard(s));
  return root;
}
