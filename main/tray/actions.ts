// shell: what a tray menu item does when clicked (its MenuItemSpec id, parsed by menu.ts): copy, open,
// start, stop, verify, share for a while, open the window where it helps. Failures become notifications.
import type { PortholeError } from '../../common/types.js';
import { portholeError } from '../../common/errors.js';
import { reenterOf } from '../../common/contract.js';
import { forwardInternalSnippet, isHttpUrl, isInternalUrl } from '../../common/view-rules.js';
import { OpError, type Operations } from '../core/operations.js';
import type { ClipboardPort, EnginePort, NotifierPort, OpenExternalPort, WindowPort } from '../ports.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { firstOnline, parseMenuId, SHARE_ACTION_MINUTES, type ShareAction } from './menu.js';

interface TrayActionDeps {
  engine: Pick<EnginePort, 'list' | 'get'>;
  ops: Operations;
  store: SettingsStore;
  window: WindowPort;
  notifier: NotifierPort;
  clipboard: ClipboardPort;
  openExternal: OpenExternalPort;
  openLogFolder?: () => void;
  quit: () => void;
}

/** The click handler for the tray's menu items. */
export function trayActions(deps: TrayActionDeps): (id: string) => void {
  const { engine, ops } = deps;
  const failed = (what: string) => (err: unknown): void => {
    const e: PortholeError = err instanceof OpError ? err.error : portholeError('INTERNAL');
    deps.notifier.notify({ title: `${what} failed`, body: `${e.message}${e.fix ? ` ${e.fix}` : ''}` });
    if (e.field === 'ngrokAuthtoken') deps.window.show({ kind: 'ngrok' });
  };
  const copy = (url: string | undefined): void => {
    if (url) deps.clipboard.writeText(url);
  };
  return (id) => {
    const action = parseMenuId(id);
    if (!action) return;
    if (action.kind === 'copy-first-url') return copy(firstOnline(engine.list())?.url);
    if (action.kind === 'new-tunnel') return deps.window.show({ kind: 'new-tunnel' });
    const reenter = ops.toReenter();
    if (action.kind === 'settings') return deps.window.show(reenterOf(reenter) ?? { kind: 'settings' });
    if (action.kind === 'quit') return deps.quit();
    if (action.kind === 'open-log-folder') return deps.openLogFolder?.();
    if (action.kind === 'start-at-login') {
      void ops.saveSettings({ startAtLogin: !deps.store.read().startAtLogin }).catch(failed('Start at login'));
      return;
    }
    const { name } = action;
    if (action.action in SHARE_ACTION_MINUTES) {
      return void ops.shareFor(name, SHARE_ACTION_MINUTES[action.action as ShareAction]).catch(failed(`Sharing ${name}`));
    }
    const url = engine.get(name)?.url;
    switch (action.action) {
      case 'details':
        return deps.window.show(reenterOf(reenter, name) ?? { kind: 'tunnel', tunnel: name });
      case 'copy-url':
        return copy(url);
      case 'open':
        if (isHttpUrl(url)) void deps.openExternal(url).catch(() => undefined);
        return;
      case 'start':
        return void ops.startTunnel(name).catch(failed(`Starting ${name}`));
      case 'stop':
        return void ops.stopTunnel(name).catch(failed(`Stopping ${name}`));
      case 'verify':
        return void ops.verifyTunnel(name).catch(failed(`Verifying ${name}`));
      case 'copy-snippet':
        return copy(isInternalUrl(url) ? forwardInternalSnippet(url) : undefined);
    }
  };
}
