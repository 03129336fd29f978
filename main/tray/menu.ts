// pure: the tray's menu, icon and tooltip as data, built from the engine's views (main/glue/tray.ts applies them).
// No electron, no closures: each item carries an id that tray.ts maps back to app.onMenuItem(id).

import type { TunnelView } from '../../common/types.js';
import { isHttpUrl, isInternalUrl, isOpenByMistake, isRunning } from '../../common/view-rules.js';
import { formatRemaining } from '../core/share-timer.js';

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

/** `details`: open the window at the tunnel; `copy-snippet`: an internal tunnel's forward-internal rule. */
type TunnelAction = 'copy-url' | 'open' | 'start' | 'stop' | 'verify' | 'details' | 'copy-snippet' | ShareAction;
/** "Share for 15 min / 1 h / 4 h / until I stop". */
export type ShareAction = 'share-15' | 'share-60' | 'share-240' | 'share-until-stopped';
/** The minutes of a share action (null: until stopped). */
export const SHARE_ACTION_MINUTES: Record<ShareAction, 15 | 60 | 240 | null> = { 'share-15': 15, 'share-60': 60, 'share-240': 240, 'share-until-stopped': null };
const SHARE_LABELS: Record<ShareAction, string> = { 'share-15': 'Share for 15 min', 'share-60': 'Share for 1 h', 'share-240': 'Share for 4 h', 'share-until-stopped': 'Share until I stop' };

/** What the tray shows of a tunnel beyond its view: who looked, and when its share ends. */
export interface TunnelTrayDetails {
  visitorsLine?: string;
  /** ms since the epoch */
  deadline?: number;
  /** The "Share for" choice in force (minutes), with `deadline`. */
  shareMinutes?: number;
}
interface TrayMenuOptions {
  startAtLogin: boolean;
  /** Per tunnel name. */
  details?: Record<string, TunnelTrayDetails>;
  /** The wall clock for the time left (ms since the epoch). */
  now?: number;
  /** Show "Open log folder" (when there is a log file). */
  logFolder?: boolean;
}

/** What a clicked id means. */
type MenuAction =
  | { kind: 'copy-first-url' }
  | { kind: 'new-tunnel' }
  | { kind: 'settings' }
  | { kind: 'start-at-login' }
  | { kind: 'quit' }
  | { kind: 'open-log-folder' }
  | { kind: 'tunnel'; name: string; action: TunnelAction };

const TUNNEL_ACTIONS: readonly TunnelAction[] = ['copy-url', 'open', 'start', 'stop', 'verify', 'details', 'copy-snippet', 'share-15', 'share-60', 'share-240', 'share-until-stopped'];

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
    case 'open-log-folder':
      return { kind: id };
  }
  const m = /^tunnel:([a-z0-9][a-z0-9-]*):([a-z0-9-]+)$/.exec(id);
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
function protectionLabel(v: TunnelView): string {
  // A public tunnel is open by choice; any other tunnel found open is an alarm.
  if (v.mode === 'public') return 'public, no sign-in';
  if (v.protection === 'open') return 'OPEN to anyone';
  if (v.protection === 'protected') return 'protected';
  if (v.state === 'online') return v.protection === 'unknown' ? 'protection unknown' : 'checking protection…';
  return v.mode === 'internal' ? 'internal endpoint' : 'FusionAuth sign-in';
}

/**
 * The first online tunnel whose URL is worth sharing: what "Copy URL" on top copies. Not one found open
 * (its alarm goes on top instead), nor an internal one (no browser reaches it).
 */
export function firstOnline(views: TunnelView[]): TunnelView | undefined {
  return views.find((v) => v.state === 'online' && !!v.url && !isOpenByMistake(v) && !isInternalUrl(v.url));
}

/** The URL's own lines and actions: an internal URL is only good for a Cloud Endpoint's forward-internal. */
function urlItems(v: TunnelView): { info: MenuItemSpec[]; actions: MenuItemSpec[] } {
  if (v.mode === 'internal' || isInternalUrl(v.url)) {
    return {
      info: [{ label: v.url ? `${v.url} (internal)` : 'No internal URL yet', enabled: false }, { label: 'For a Cloud Endpoint’s forward-internal, not a browser', enabled: false }],
      actions: [{ id: tunnelItemId(v.name, 'copy-snippet'), label: 'Copy forward-internal snippet', enabled: isInternalUrl(v.url) }],
    };
  }
  return {
    info: [{ label: v.url ?? 'No public URL yet', enabled: false }],
    actions: [
      { id: tunnelItemId(v.name, 'copy-url'), label: 'Copy URL', enabled: !!v.url },
      { id: tunnelItemId(v.name, 'open'), label: 'Open in browser', enabled: isHttpUrl(v.url) },
    ],
  };
}

/** The who-looked line, the time left, and the share-for choices (the current one checked). */
function shareItems(v: TunnelView, d: TunnelTrayDetails, now: number): { info: MenuItemSpec[]; share: MenuItemSpec } {
  const info: MenuItemSpec[] = [];
  if (d.visitorsLine) info.push({ label: d.visitorsLine, enabled: false });
  const timed = d.deadline !== undefined && isRunning(v.state);
  if (timed) info.push({ label: formatRemaining(d.deadline! - now), enabled: false });
  // the choice in force is ticked: the timed one it was set for, or "until I stop" for a tunnel running without a deadline
  const timedAs = (Object.keys(SHARE_ACTION_MINUTES) as ShareAction[]).find((a) => SHARE_ACTION_MINUTES[a] !== null && SHARE_ACTION_MINUTES[a] === d.shareMinutes);
  const current: ShareAction | undefined = timed ? timedAs : isRunning(v.state) ? 'share-until-stopped' : undefined;
  const submenu = (Object.keys(SHARE_LABELS) as ShareAction[]).map((a): MenuItemSpec => ({
    id: tunnelItemId(v.name, a), label: SHARE_LABELS[a], type: 'checkbox', checked: a === current, enabled: true,
  }));
  return { info, share: { label: timed ? `Share for… (${formatRemaining(d.deadline! - now)})` : 'Share for…', type: 'submenu', submenu } };
}

function tunnelItem(v: TunnelView, d: TunnelTrayDetails = {}, now = 0): MenuItemSpec {
  const { info, actions } = urlItems(v);
  const shared = shareItems(v, d, now);
  info.push(...shared.info);
  // The tray has no room for a whole error and its fix: one line, and the way to the window that has both.
  if (v.state === 'error' && v.error) info.push({ label: truncate(`${v.error.message}`, 80), enabled: false }, { id: tunnelItemId(v.name, 'details'), label: 'Show details and fix…', enabled: true });
  // Why a reconnecting tunnel is not back yet (ngrok still holds its domain…), when the engine knows.
  // One line per clause: a menu line has room for about 80 characters, and the time at the end matters.
  if (v.state === 'reconnecting' && v.error) for (const part of v.error.message.split('; ')) info.push({ label: truncate(part, 80), enabled: false });
  if (v.pooled) info.push({ label: 'Pooled: other agents may serve some visitors', enabled: false }, { label: 'Visitors and requests here are this machine’s only', enabled: false });
  if (isOpenByMistake(v)) {
    info.push({ label: 'Anyone with the URL gets in', enabled: false });
  }
  const left = d.deadline !== undefined && isRunning(v.state) ? ` · ${formatRemaining(d.deadline - now)}` : '';
  return {
    label: `${v.name} — ${STATE_LABEL[v.state]}, ${protectionLabel(v)}${left}`,
    type: 'submenu',
    submenu: [
      ...info,
      { type: 'separator' },
      ...actions,
      isRunning(v.state)
        ? { id: tunnelItemId(v.name, 'stop'), label: 'Stop', enabled: true }
        : { id: tunnelItemId(v.name, 'start'), label: 'Start', enabled: true },
      // an internal endpoint is reached through a Cloud Endpoint, not shared by a link; a public one has no
      // sign-in to verify
      ...(v.mode === 'internal' ? [] : [shared.share]),
      ...(v.mode === 'public' ? [] : [{ id: tunnelItemId(v.name, 'verify'), label: 'Verify protection', enabled: v.state === 'online' && !!v.url }]),
    ],
  };
}

/** A tunnel found open is the first thing in the menu, one click from stopping it. */
function openAlarms(views: TunnelView[]): MenuItemSpec[] {
  const open = views.filter((v) => isOpenByMistake(v) && isRunning(v.state));
  if (open.length === 0) return [];
  return [...open.map((v) => ({ id: tunnelItemId(v.name, 'stop'), label: `⚠ ${v.name} is OPEN to anyone — Stop it`, enabled: true })), { type: 'separator' }];
}

/** Why "Copy URL" on top has nothing to copy, truthfully: online tunnels may exist whose URL is not one to share. */
function noUrlLabel(views: TunnelView[]): string {
  const online = views.filter((v) => v.state === 'online' && !!v.url);
  if (online.length === 0) return 'Copy URL (no tunnel online)';
  if (online.every((v) => isOpenByMistake(v))) return `Copy URL (not while ${online.length === 1 ? `${online[0]!.name} is` : 'they are'} open to anyone)`;
  if (online.every((v) => isOpenByMistake(v) || isInternalUrl(v.url))) return 'Copy URL (no public URL online)';
  return 'Copy URL (no URL to share)';
}

/** The whole tray menu, top to bottom: warnings for tunnels found open, "Copy URL" of the first online tunnel, every tunnel, then the app's own items. */
export function trayMenu(views: TunnelView[], opts: TrayMenuOptions): MenuItemSpec[] {
  const first = firstOnline(views);
  const items: MenuItemSpec[] = [
    ...openAlarms(views),
    first ? { id: 'copy-first-url', label: `Copy URL of ${first.name}`, enabled: true } : { id: 'copy-first-url', label: noUrlLabel(views), enabled: false },
    { type: 'separator' },
  ];
  if (views.length === 0) items.push({ label: 'No tunnels yet', enabled: false });
  const now = opts.now ?? 0;
  for (const v of views) items.push(tunnelItem(v, opts.details?.[v.name], now));
  items.push(
    { type: 'separator' },
    { id: 'new-tunnel', label: 'New tunnel…', enabled: true },
    { id: 'settings', label: 'Settings…', enabled: true },
    ...(opts.logFolder ? [{ id: 'open-log-folder', label: 'Open log folder', enabled: true }] : []),
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
