// browser: the settings window's entry — tunnels with live state, the add/edit form, the FusionAuth
// checklist and the ngrok settings, one file per pane under panes/. Talks only to `window.porthole`
// (common/contract.ts, see api.ts) and builds DOM with textContent (dom.ts), so nothing a tunnel or a
// server says can inject markup. This file routes between panes and follows main's state pushes.

import type { StateSnapshot, WindowIntent } from '../common/contract.js';
import { api } from './api.js';
import { $ } from './dom.js';
import { emptyPane } from './panes/empty.js';
import { formPane } from './panes/form.js';
import { settingsPane } from './panes/settings.js';
import { renderAuthtokenStatus, renderList, renderProblems } from './panes/sidebar.js';
import { forgetRenderedTunnel, renderTunnel } from './panes/tunnel.js';
import { findTunnel, state, type Nav, type Pane } from './state.js';

const nav: Nav = { show, renderMain, renderAuthtokenStatus };

function show(next: Pane): void {
  state.pane = next;
  renderList(nav);
  renderMain();
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
      return main.replaceChildren(formPane(nav, pane.previousName ? findTunnel(pane.previousName) : undefined));
    case 'settings':
      return main.replaceChildren(settingsPane(nav));
  }
}

/** Something the user typed in the main pane and has not saved yet. */
const paneIsDirty = (): boolean => !!$('main').querySelector('[data-dirty]');

function onState(next: StateSnapshot): void {
  state.snapshot = { tunnels: next.tunnels };
  const settingsChanged = JSON.stringify(next.settings) !== JSON.stringify(state.settings);
  state.settings = next.settings;
  if (settingsChanged) {
    renderAuthtokenStatus();
    renderProblems();
  }
  renderList(nav);
  // Never re-render under the user's fingers (the form, a half-typed authtoken); everything else follows the state.
  const { pane } = state;
  if (pane.kind === 'form') return;
  const emptyFilled = pane.kind === 'empty' && next.tunnels.length > 0;
  if (pane.kind === 'tunnel' || emptyFilled || (settingsChanged && !paneIsDirty())) renderMain();
}

function navigate(intent: WindowIntent): void {
  const { pane } = state;
  if (intent === 'new-tunnel') show({ kind: 'form' });
  else if (intent === 'ngrok' && !(pane.kind === 'form' && paneIsDirty())) show({ kind: 'settings' });
  else if (pane.kind !== 'form') show(pane);
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
  const [snap, s] = await Promise.all([api().getState(), api().getSettings()]);
  if (snap.ok) state.snapshot = { tunnels: snap.value.tunnels };
  if (s.ok) state.settings = s.value;
  renderAuthtokenStatus();
  renderProblems();
  if (location.hash === '#new-tunnel') state.pane = { kind: 'form' };
  else if (state.settings && !state.settings.ngrok.authtoken.stored && state.snapshot.tunnels.length === 0) state.pane = { kind: 'empty' };
  show(state.pane);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', () => void main());
