// pure: the tray's menu, icon and tooltip as data, built from the engine's views (main/glue/tray.ts applies them).
// No electron, no closures: each item carries an id that tray.ts maps back to app.onMenuItem(id).

import type { TunnelView } from '../../common/types.js';
import { isHttpUrl, isOpenByMistake, isRunning } from '../../common/view-rules.js';

/** One menu entry. `id` is what the click reports; separators and info lines have none. */
export interface MenuItemSpec {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItemSpec[];
}

/** The overall state the tray icon shows (assets/tray-<name>.png, @2x, macOS template images). */
export type TrayIconName = 'idle' | 'connecting' | 'online' | 'error';

export type TunnelAction = 'copy-url' | 'open' | 'start' | 'stop' | 'verify';

/** What a clicked id means. */
export type MenuAction =
  | { kind: 'copy-first-url' }
  | { kind: 'new-tunnel' }
  | { kind: 'settings' }
  | { kind: 'start-at-login' }
  | { kind: 'quit' }
  | { kind: 'tunnel'; name: string; action: TunnelAction };

const TUNNEL_ACTIONS: readonly TunnelAction[] = ['copy-url', 'open', 'start', 'stop', 'verify'];

/** The id of a tunnel's menu action: `tunnel:<name>:<action>` (names are `[a-z0-9-]`, so no colon). */
export const tunnelItemId = (name: string, action: TunnelAction): string => `tunnel:${name}:${action}`;

/** Turn a clicked id back into its action; undefined for an id this menu never made. */
export function parseMenuId(id: string): MenuAction | undefined {
  switch (id) {
    case 'copy-first-url':
    case 'new-tunnel':
    case 'settings':
    case 'start-at-login':
    case 'quit':
      return { kind: id };
  }
  const m = /^tunnel:([a-z0-9][a-z0-9-]*):([a-z-]+)$/.exec(id);
  if (!m || !(TUNNEL_ACTIONS as readonly string[]).includes(m[2]!)) return undefined;
  return { kind: 'tunnel', name: m[1]!, action: m[2] as TunnelAction };
}

const STATE_LABEL: Record<TunnelView['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  error: 'Error',
};

/** How a tunnel's protection reads in the menu and tooltip. */
export function protectionLabel(v: TunnelView): string {
  // A public tunnel is open by choice; any other tunnel found open is an alarm.
  if (v.mode === 'public') return 'public, no sign-in';
  if (v.protection === 'open') return 'OPEN to anyone';
  if (v.protection === 'protected') return 'protected';
  if (v.state === 'online') return v.protection === 'unknown' ? 'protection unknown' : 'checking protection…';
  return v.mode === 'internal' ? 'internal endpoint' : 'FusionAuth sign-in';
}

/** The first online tunnel with a URL: what "Copy URL" on top copies. */
export function firstOnline(views: TunnelView[]): TunnelView | undefined {
  return views.find((v) => v.state === 'online' && !!v.url);
}

function tunnelItem(v: TunnelView): MenuItemSpec {
  const info: MenuItemSpec[] = [{ label: v.url ?? 'No public URL yet', enabled: false }];
  if (v.state === 'error' && v.error) info.push({ label: truncate(`${v.error.message}`, 80), enabled: false });
  if (isOpenByMistake(v)) {
    info.push({ label: 'Anyone with the URL gets in', enabled: false });
  }
  return {
    label: `${v.name} — ${STATE_LABEL[v.state]}, ${protectionLabel(v)}`,
    type: 'submenu',
    submenu: [
      ...info,
      { type: 'separator' },
      { id: tunnelItemId(v.name, 'copy-url'), label: 'Copy URL', enabled: !!v.url },
      { id: tunnelItemId(v.name, 'open'), label: 'Open in browser', enabled: isHttpUrl(v.url) },
      isRunning(v.state)
        ? { id: tunnelItemId(v.name, 'stop'), label: 'Stop', enabled: true }
        : { id: tunnelItemId(v.name, 'start'), label: 'Start', enabled: true },
      { id: tunnelItemId(v.name, 'verify'), label: 'Verify protection', enabled: v.state === 'online' && !!v.url },
    ],
  };
}

/** The whole tray menu, top to bottom, as the issue lays it out. */
export function trayMenu(views: TunnelView[], opts: { startAtLogin: boolean }): MenuItemSpec[] {
  const first = firstOnline(views);
  const items: MenuItemSpec[] = [
    first
      ? { id: 'copy-first-url', label: `Copy URL of ${first.name}`, enabled: true }
      : { id: 'copy-first-url', label: 'Copy URL (no tunnel online)', enabled: false },
    { type: 'separator' },
  ];
  if (views.length === 0) items.push({ label: 'No tunnels yet', enabled: false });
  for (const v of views) items.push(tunnelItem(v));
  items.push(
    { type: 'separator' },
    { id: 'new-tunnel', label: 'New tunnel…', enabled: true },
    { id: 'settings', label: 'Settings…', enabled: true },
    { type: 'separator' },
    { id: 'start-at-login', label: 'Start at login', type: 'checkbox', checked: opts.startAtLogin, enabled: true },
    { id: 'quit', label: 'Quit Porthole', enabled: true },
  );
  return items;
}

/** The overall state: something failing or open beats connecting, which beats online; nothing running is idle. */
export function trayIcon(views: TunnelView[]): TrayIconName {
  if (views.some((v) => v.state === 'error' || isOpenByMistake(v))) return 'error';
  if (views.some((v) => v.state === 'starting' || v.state === 'reconnecting')) return 'connecting';
  if (views.some((v) => v.state === 'online')) return 'online';
  return 'idle';
}

/** Windows cuts tray tooltips at 127 characters; stay under it everywhere. */
const TOOLTIP_MAX = 127;

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The tooltip: one line per tunnel with its state (and URL when online). */
export function trayTooltip(views: TunnelView[]): string {
  if (views.length === 0) return 'Porthole — no tunnels';
  const lines = views.map((v) => {
    const extra = isOpenByMistake(v) ? ' (OPEN)' : v.state === 'online' && v.url ? ` ${v.url}` : '';
    return `${v.name}: ${STATE_LABEL[v.state].replace('…', '')}${extra}`;
  });
  return truncate(['Porthole', ...lines].join('\n'), TOOLTIP_MAX);
}

/**
 * How long the tray waits to rebuild after a change: one frame. Long enough to fold a burst (a start
 * emits starting → online → protection checked, often within a millisecond) into one rebuild, short
 * enough that every state change reaches the tray at once.
 */
export const TRAY_COALESCE_MS = 16;

/**
 * Collapse bursts of calls into one call of `fn`, `ms` after the first of the burst (the engine emits
 * several changes per start; the tray is rebuilt once). `flush` runs a pending call now; `cancel` drops it.
 */
export function coalesce(fn: () => void, ms: number): { (): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    timer = undefined;
    fn();
  };
  const call = (): void => {
    if (timer === undefined) timer = setTimeout(run, ms);
  };
  call.flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      run();
    }
  };
  call.cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
