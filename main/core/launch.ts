// core: what happens once at launch, after the operations are ready: "start at login" follows the OS,
// damaged settings files and unreadable secrets are announced, and the window opens by itself when a
// tray icon alone would guide nobody (a first run, a file set aside, a secret to enter again).
import type { LoginItemPort, LogPort, NotifierPort, WindowPort } from '../ports.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { reenterNotice, settingsProblemNotice } from '../tray/notices.js';
import { OpError } from './op-error.js';
import type { Operations } from './operations.js';

interface LaunchDeps {
  store: SettingsStore;
  loginItem: LoginItemPort;
  notifier: NotifierPort;
  window: Pick<WindowPort, 'show'>;
  log: LogPort;
}

/** Before the operations start: the settings meet the OS, and damaged files are announced. */
export function reconcileAtLaunch(deps: LaunchDeps): void {
  const s = deps.store.read();
  const atLogin = deps.loginItem.get();
  try {
    if (s.startAtLogin !== atLogin) deps.store.write({ ...s, startAtLogin: atLogin });
  } catch (err) {
    // A read-only settings folder: already announced below; the app runs on what it read.
    deps.log(`settings: start at login not saved: ${err instanceof OpError ? err.error.message : 'error'}`);
  }
  for (const p of deps.store.problems) {
    deps.notifier.notify(settingsProblemNotice(p));
    deps.log(`settings: ${p.file} ${p.issue ?? 'moved aside'}: ${p.reason}`);
  }
}

/**
 * Once the operations are ready: each secret to enter again is announced, and the window opens at the
 * first of them, or at the settings on a first run or when a settings file had to be set aside (some
 * Linux desktops hide tray icons).
 */
export function greetAtLaunch(deps: LaunchDeps, ops: Pick<Operations, 'toReenter' | 'settingsView'>): void {
  const reenter = ops.toReenter();
  for (const intent of reenter) deps.notifier.notify(reenterNotice(intent));
  const first = !ops.settingsView().ngrok.authtoken.stored && deps.store.read().tunnels.length === 0 && reenter.length === 0;
  if (reenter.length > 0) deps.window.show(reenter[0]);
  else if (first || deps.store.problems.length > 0) deps.window.show({ kind: 'settings' });
}
