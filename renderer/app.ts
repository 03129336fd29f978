// browser: the settings window's entry — tunnels with live state, the add/edit form, the FusionAuth
// checklist and the ngrok settings, one file per pane under panes/. Talks only to `window.porthole`
// (common/contract.ts, see api.ts) and builds DOM with textContent (dom.ts), so nothing a tunnel or a
// server says can inject markup. This file routes between panes and follows main's state pushes.

import type { StateSnapshot, WindowIntent } from '../common/contract.js';
import { api } from './api.js';
import { $ } from './dom.js';
import { emptyPane } from './panes/empty.js';
import { faSetupPane } from './panes/fa-setup.js';
import { formPane } from './panes/form.js';
import { settingsPane } from './panes/settings.js';
import { renderAuthtokenStatus, renderBanner, renderList } from './panes/sidebar.js';
import { forgetRenderedTunnel, renderTunnel } from './panes/tunnel.js';
import { onVisitsPush } from './panes/visits.js';
import { findTunnel, state, type Nav, type Pane } from './state.js';

const nav: Nav = { show, renderMain, renderAuthtokenStatus, renderBanner: () => renderBanner(nav) };

/** Which pane this is, so a different one opens at its top and a redraw of the same one stays where it was scrolled. */
const paneKey = (p: Pane): string => JSON.stringify([p.kind, 'name' in p ? p.name : undefined, 'previousName' in p ? p.previousName : undefined, 'tunnel' in p ? p.tunnel : undefined]);

function show(next: Pane): void {
  const other = paneKey(next) !== paneKey(state.pane);
  state.pane = next;
  renderList(nav);
  renderMain();
  // the main area is one scroller shared by every pane: a new pane must not open at the last one's offset
  if (other) $('main').scrollTop = 0;
}

function renderMain(): void {
  const main = $('main');
  if (state.pane.kind !== 'tunnel') forgetRenderedTunnel();
  const { tunnels } = state.snapshot;
  if (state.pane.kind === 'tunnel' && !findTunnel(state.pane.name)) state.pane = { kind: 'empty' };
  if (state.pane.kind === 'empty' && tunnels.length) state.pane = { kind: 'tunnel', name: tunnels[0]!.name };
  const pane = state.pane;
  switch (pane.kind) {
    case 'empty':
      return main.replaceChildren(emptyPane(nav));
    case 'tunnel':
      return renderTunnel(nav, main, findTunnel(pane.name)!);
    case 'form':
      return main.replaceChildren(formPane(nav, pane.previousName ? findTunnel(pane.previousName) : undefined, pane.reenter));
    case 'settings':
      return main.replaceChildren(settingsPane(nav, pane.reenter));
    case 'fa-setup':
      return main.replaceChildren(faSetupPane(nav, pane));
  }
}

/** Something the user typed in the main pane and has not saved yet. */
const paneIsDirty = (): boolean => !!$('main').querySelector('[data-dirty]');

function onState(next: StateSnapshot): void {
  state.snapshot = { tunnels: next.tunnels };
  const settingsChanged = JSON.stringify(next.settings) !== JSON.stringify(state.settings);
  state.settings = next.settings;
  if (settingsChanged) renderAuthtokenStatus();
  nav.renderBanner();
  renderList(nav);
  // Never re-render under the user's fingers (the form, a half-typed authtoken); everything else follows the state.
  const { pane } = state;
  if (pane.kind === 'form' || pane.kind === 'fa-setup') return;
  const emptyFilled = pane.kind === 'empty' && next.tunnels.length > 0;
  if (pane.kind === 'tunnel' || emptyFilled || (settingsChanged && !paneIsDirty())) renderMain();
}

/** An intent that came before the first state arrived: followed once the window knows the tunnels. */
let early: WindowIntent | undefined;
let started = false;

function navigate(intent: WindowIntent): void {
  if (!started) {
    early = intent;
    return;
  }
  const { pane } = state;
  const dirty = (pane.kind === 'form' || pane.kind === 'fa-setup') && paneIsDirty();
  if (intent.kind === 'reenter') {
    // A secret that can no longer be read: its field, unless the user is typing in the form.
    if (!dirty) show(intent.secret === 'client-secret' ? { kind: 'form', previousName: intent.tunnel, reenter: true } : { kind: 'settings', reenter: true });
  } else if (intent.kind === 'tunnel') {
    // The tray's "Show details and fix…": that tunnel, unless the user is typing in the form.
    if (!dirty) show({ kind: 'tunnel', name: intent.tunnel });
  } else if (intent.kind === 'new-tunnel') show({ kind: 'form' });
  else if (intent.kind === 'ngrok' && !dirty) show({ kind: 'settings' });
  else if (pane.kind !== 'form' && pane.kind !== 'fa-setup') show(pane);
}

async function main(): Promise<void> {
  // Anything typed in the main pane marks it dirty until the pane is rebuilt (a save re-renders it).
  $('main').addEventListener('input', (ev) => {
    const el = ev.target as HTMLInputElement;
    // text typed (not a checkbox or radio, which take effect at once)
    if (el.type !== 'checkbox' && el.type !== 'radio') el.setAttribute('data-dirty', '');
  });
  $('new-tunnel').addEventListener('click', () => show({ kind: 'form' }));
  $('open-settings').addEventListener('click', () => show({ kind: 'settings' }));
  api().onState(onState);
  api().onNavigate(navigate);
  api().onVisits(onVisitsPush);
  const [snap, s] = await Promise.all([api().getState(), api().getSettings()]);
  if (snap.ok) state.snapshot = { tunnels: snap.value.tunnels };
  if (s.ok) state.settings = s.value;
  renderAuthtokenStatus();
  nav.renderBanner();
  if (location.hash === '#new-tunnel') state.pane = { kind: 'form' };
  else if (state.settings && !state.settings.ngrok.authtoken.stored && state.snapshot.tunnels.length === 0) state.pane = { kind: 'empty' };
  show(state.pane);
  started = true;
  if (early) navigate(early);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', () => void main());
