// pure: the tray model — menu, icon and tooltip — from the window's tunnel entries and the stored
// secrets that must be entered again. Adds to menu.ts's pure menu what only the app knows: who looked
// (the one-line summary, made here: the window has its own Visitors section), the time left, and the
// warnings for unreadable secrets (each opens the window at that field).
import type { ReenterIntent, TunnelEntry } from '../../common/contract.js';
import { trayLine, type VisitorGlance } from '../../common/visitors.js';
import type { TrayModel } from '../ports.js';
import { trayIcon, trayMenu, trayTooltip, tunnelItemId, type MenuItemSpec, type TunnelTrayDetails } from './menu.js';

interface TrayModelInput {
  /** Every saved tunnel with its live view (the operations' entries). */
  entries: readonly TunnelEntry[];
  /** The stored secrets that can no longer be read. */
  reenter: readonly ReenterIntent[];
  startAtLogin: boolean;
  /** Show "Open log folder". */
  logFolder: boolean;
  /** The wall clock, for the time left of timed shares and "2 min ago". */
  now: number;
  /** Who looked at a tunnel (engine.visits.glance); absent or null: nobody yet. */
  visitors?: (tunnel: string) => VisitorGlance | null;
}

/** The tray line for a secret to enter again: clicking it opens the window at that field. */
function reenterMenuItem(intent: ReenterIntent): MenuItemSpec {
  return intent.secret === 'client-secret'
    ? { id: tunnelItemId(intent.tunnel, 'details'), label: `⚠ Enter the client secret of ${intent.tunnel} again…`, enabled: true }
    : { id: 'settings', label: '⚠ Enter the ngrok authtoken again…', enabled: true };
}

export function trayModel(input: TrayModelInput): TrayModel {
  const views = input.entries.map((e) => e.view);
  const details: Record<string, TunnelTrayDetails> = {};
  for (const e of input.entries) {
    const glance = input.visitors?.(e.name);
    const visitorsLine = glance ? trayLine(glance, input.now) : null;
    if (!visitorsLine && e.deadline === undefined) continue;
    details[e.name] = {
      ...(visitorsLine ? { visitorsLine } : {}),
      ...(e.deadline !== undefined ? { deadline: e.deadline } : {}),
      ...(e.shareMinutes !== undefined ? { shareMinutes: e.shareMinutes } : {}),
    };
  }
  const { reenter } = input;
  const menu = [
    ...reenter.map(reenterMenuItem),
    ...(reenter.length ? [{ type: 'separator' as const }] : []),
    ...trayMenu(views, { startAtLogin: input.startAtLogin, details, now: input.now, logFolder: input.logFolder }),
  ];
  const tooltip = reenter.length ? `${trayTooltip(views).split('\n')[0]} — a stored secret must be entered again` : trayTooltip(views);
  return { menu, icon: reenter.length ? 'error' : trayIcon(views), tooltip };
}
