// browser: what the window knows — the last state main pushed, the settings, and which pane is shown.
// The one place that holds them; panes read it and ask `Nav` to move or redraw.

import type { SettingsView, StateSnapshot, TunnelEntry } from '../common/contract.js';

/**
 * `reenter`: main asked for a stored secret that can no longer be read (ReenterIntent): the pane opens
 * at that field, focused.
 */
export type Pane = { kind: 'empty' } | { kind: 'tunnel'; name: string } | { kind: 'form'; previousName?: string; reenter?: boolean } | { kind: 'settings'; reenter?: boolean }
  | { kind: 'fa-setup'; tunnel?: string; name?: string; target?: string };

export const state = {
  snapshot: { tunnels: [] } as Pick<StateSnapshot, 'tunnels'>,
  settings: undefined as SettingsView | undefined,
  pane: { kind: 'empty' } as Pane,
  /** The user said yes to storing secrets without an OS keychain (basic_text). */
  allowInsecureStorage: false,
  /** A start was refused for want of an authtoken: the banner asks for one until it is stored. */
  authtokenWanted: false,
};

/** What a pane may ask of the window; handed in (not imported) so panes and the router don't import each other. */
export interface Nav {
  show(next: Pane): void;
  /** Redraw the main pane from the state (after the settings changed). */
  renderMain(): void;
  /** Redraw the sidebar's authtoken line. */
  renderAuthtokenStatus(): void;
  /** Redraw the banners above every pane (a damaged settings file, a missing authtoken). */
  renderBanner(): void;
}

export const findTunnel = (name: string | undefined): TunnelEntry | undefined => state.snapshot.tunnels.find((t) => t.name === name);

/** Put a saved entry into the snapshot right away (the push that follows confirms it). */
export function upsertEntry(entry: TunnelEntry, previousName?: string): void {
  const { tunnels: now } = state.snapshot;
  const tunnels = now.filter((t) => t.name !== entry.name && t.name !== previousName);
  const at = previousName ? now.findIndex((t) => t.name === previousName) : -1;
  tunnels.splice(at < 0 ? tunnels.length : at, 0, entry);
  state.snapshot = { tunnels };
}

export function removeEntry(name: string): void {
  state.snapshot = { tunnels: state.snapshot.tunnels.filter((t) => t.name !== name) };
}
