// browser: pasting or importing the ngrok authtoken (write-only), for the first-run guide and the settings pane.

import type { SettingsView } from '../../common/contract.js';
import { api, withSecretConsent } from '../api.js';
import { clearErrors, showErrors } from '../fields.js';
import { state, type Nav } from '../state.js';
import { toast } from '../ui.js';

export function wireAuthtoken(nav: Nav, form: HTMLFormElement, token: HTMLInputElement, importBtn: HTMLButtonElement): void {
  const stored = (next: SettingsView, note: string): void => {
    state.settings = next;
    token.value = '';
    clearErrors(form);
    toast(note);
    nav.renderAuthtokenStatus();
    nav.renderBanner();
    nav.renderMain();
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
