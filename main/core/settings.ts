// core: the app settings and the ngrok credentials, as the settings window and the tray change them.
import type { AppSettingsPatch, CredentialsPatch, SettingsView } from '../../common/contract.js';
import { invalidInput, portholeError } from '../../common/errors.js';
import { fieldFix } from '../../common/fields.js';
import { fieldOf, sessionSpecSchema } from '../tunnel/validate.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import type { Settings } from '../settings/schema.js';
import { fail, failAll } from './op-error.js';
import type { Core } from './core.js';
import { storedSecret } from './tunnels.js';

export function settingsView(core: Core): SettingsView {
  const { store } = core.deps;
  const s = store.read();
  const ngrok: SettingsView['ngrok'] = { authtoken: storedSecret(core, SECRET_KEYS.ngrokAuthtoken) };
  if (s.ngrok.serverAddr) ngrok.serverAddr = s.ngrok.serverAddr;
  if (s.ngrok.caPem) ngrok.caPem = s.ngrok.caPem;
  const problems = store.problems.map((p) => ({ kind: p.kind, ...(p.issue ? { issue: p.issue } : {}), movedTo: p.movedTo, keptTunnels: p.keptTunnels, reason: p.reason }));
  const agentApi = { on: s.agentApi === true, ...(core.deps.agentApi?.status() ?? {}) };
  return { startAtLogin: s.startAtLogin, notifyNewVisitors: s.notifyNewVisitors !== false, agentApi, ngrok, secretStorage: core.secrets.storage(), problems };
}

/** The ingress settings after `patch` (`null` or blank clears a value), validated. */
function ngrokAfter(s: Settings, patch: AppSettingsPatch): Settings['ngrok'] {
  const ngrok = { ...s.ngrok };
  if (patch.serverAddr !== undefined) {
    if (patch.serverAddr === null || !patch.serverAddr.trim()) delete ngrok.serverAddr;
    else ngrok.serverAddr = patch.serverAddr.trim();
  }
  if (patch.caPem !== undefined) {
    if (patch.caPem === null || !patch.caPem.trim()) delete ngrok.caPem;
    else ngrok.caPem = patch.caPem;
  }
  const check = sessionSpecSchema.pick({ serverAddr: true, caPem: true }).safeParse(ngrok);
  if (!check.success) failAll(check.error.issues.map((i) => invalidInput(fieldOf(i.path), `${fieldOf(i.path)} ${i.message}`)));
  return ngrok;
}

export async function saveSettings(core: Core, patch: AppSettingsPatch): Promise<SettingsView> {
  const { store, loginItem } = core.deps;
  const s = store.read();
  const next: Settings = { ...s, ngrok: ngrokAfter(s, patch) };
  if (patch.notifyNewVisitors !== undefined) next.notifyNewVisitors = patch.notifyNewVisitors;
  if (patch.agentApi !== undefined) next.agentApi = patch.agentApi;
  if (patch.startAtLogin !== undefined) {
    loginItem.set(patch.startAtLogin);
    // The OS has the last word (a read-only autostart folder, a policy): store what it says now.
    next.startAtLogin = loginItem.get();
    if (next.startAtLogin !== patch.startAtLogin) {
      const message = `Porthole could not ${patch.startAtLogin ? 'add itself to' : 'remove itself from'} the programs started at login.`;
      fail(portholeError('LOGIN_ITEM', { field: 'startAtLogin', message }));
    }
  }
  store.write(next);
  if (patch.agentApi !== undefined) await core.deps.agentApi?.apply(patch.agentApi);
  if (core.secrets.has(SECRET_KEYS.ngrokAuthtoken)) await core.sync.refreshSession();
  core.deps.onChange?.();
  return settingsView(core);
}

export async function saveCredentials(core: Core, patch: CredentialsPatch): Promise<SettingsView> {
  if (patch.ngrokAuthtoken === undefined) return settingsView(core);
  const token = patch.ngrokAuthtoken.trim();
  if (!token) {
    await core.secrets.drop(SECRET_KEYS.ngrokAuthtoken);
    return settingsView(core);
  }
  const r = sessionSpecSchema.shape.authtoken.safeParse(token);
  if (!r.success) fail(invalidInput('ngrokAuthtoken', `ngrokAuthtoken ${r.error.issues[0]?.message ?? 'is not valid'}`, fieldFix('ngrokAuthtoken')));
  await core.secrets.put(SECRET_KEYS.ngrokAuthtoken, token, patch.allowInsecureStorage, 'ngrokAuthtoken');
  await core.sync.refreshSession();
  return settingsView(core);
}

/** Store the authtoken found in the ngrok config file or NGROK_AUTHTOKEN; returns where it came from. */
export async function importAuthtoken(core: Core, allowInsecureStorage: boolean): Promise<{ source: string }> {
  const found = await core.deps.importAuthtoken();
  if (!found.ok) return fail(found.error);
  await core.secrets.put(SECRET_KEYS.ngrokAuthtoken, found.authtoken, allowInsecureStorage, 'ngrokAuthtoken');
  await core.sync.refreshSession();
  return { source: found.source };
}
