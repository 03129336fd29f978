// browser: the sidebar (the tunnel list and the authtoken line) and the banner for a settings file found
// damaged at launch, which stays above every pane until dismissed.

import { isOpenByMistake, settingsProblemText } from '../../common/view-rules.js';
import { $, h } from '../dom.js';
import { STATE_LABEL, targetLabel } from '../labels.js';
import { state, type Nav } from '../state.js';

export function renderList(nav: Nav): void {
  const list = $('tunnel-list');
  list.replaceChildren();
  if (state.snapshot.tunnels.length === 0) {
    list.append(h('p', { class: 'list-empty' }, 'No tunnels yet.'));
    return;
  }
  const { pane } = state;
  for (const t of state.snapshot.tunnels) {
    const v = t.view;
    const active = pane.kind === 'tunnel' && pane.name === t.name;
    list.append(
      h(
        'button',
        {
          type: 'button',
          class: `tunnel-item${active ? ' active' : ''}`,
          'data-name': t.name,
          'aria-current': active ? 'true' : undefined,
          onclick: () => nav.show({ kind: 'tunnel', name: t.name }),
        },
        h('span', { class: `dot dot-${isOpenByMistake(v) ? 'danger' : v.state}`, 'aria-hidden': 'true' }),
        h(
          'span',
          { class: 'tunnel-item-text' },
          h('span', { class: 'tunnel-item-name' }, t.name),
          h('span', { class: 'tunnel-item-sub' }, v.state === 'online' && v.url ? v.url.replace(/^https?:\/\//, '') : `${STATE_LABEL[v.state]} · ${targetLabel(t.target)}`),
        ),
      ),
    );
  }
}

export function renderAuthtokenStatus(): void {
  const el = $('authtoken-status');
  const { settings } = state;
  if (!settings) return;
  const { stored, mustReenter } = settings.ngrok.authtoken;
  el.textContent = stored ? 'Authtoken stored' : mustReenter ? 'Authtoken must be entered again' : 'Add your ngrok authtoken';
  el.className = `nav-settings-sub${stored ? '' : ' attention'}`;
}

/** Problems the user dismissed in this window (keyed by where the damaged file went). */
const dismissedProblems = new Set<string>();
/** What the banner shows now: a push that changes none of it leaves the DOM (and focus) alone. */
let drawnBanner = '';

/** Starting a tunnel needs the authtoken: say so until it is stored, with the way to store it. */
function authtokenBanner(nav: Nav): HTMLElement {
  const add = (): void => {
    nav.show({ kind: 'settings' });
    document.getElementById('s-authtoken')?.focus();
  };
  return h(
    'div',
    { class: 'alert alert-warn', role: 'alert', 'data-role': 'authtoken-missing' },
    h('div', { class: 'alert-text' }, h('strong', {}, 'No ngrok authtoken is stored, so no tunnel can start.'), h('p', {}, 'Porthole signs in to ngrok with your authtoken; copy it from dashboard.ngrok.com › Getting Started › Your Authtoken.')),
    h('button', { class: 'btn primary small', type: 'button', 'data-action': 'add-authtoken', onclick: add }, 'Add your ngrok authtoken'),
  );
}

/** A tunnel failed, or was refused, for want of an authtoken, and none is stored yet. */
function authtokenMissing(): boolean {
  if (!state.settings || state.settings.ngrok.authtoken.stored) return false;
  return state.authtokenWanted || state.snapshot.tunnels.some((t) => t.view.error?.code === 'NO_AUTHTOKEN');
}

/**
 * The banners above every pane: a settings file found damaged at launch (until dismissed), and a missing
 * authtoken once a start needed it (until stored). They take room in the layout, so they cover nothing.
 */
export function renderBanner(nav: Nav): void {
  const host = $('banner');
  const problems = (state.settings?.problems ?? []).filter((p) => !dismissedProblems.has(p.movedTo));
  const missing = authtokenMissing();
  const key = JSON.stringify([problems, missing]);
  if (key === drawnBanner) return;
  drawnBanner = key;
  host.replaceChildren(
    ...(missing ? [authtokenBanner(nav)] : []),
    ...problems.map((p) => {
      const text = settingsProblemText(p);
      return h(
        'div',
        { class: 'alert alert-warn', role: 'alert', 'data-role': 'settings-problem' },
        h('div', { class: 'alert-text' }, h('strong', {}, `${text.title}.`), h('p', {}, text.body)),
        h('button', { class: 'btn small', type: 'button', 'data-action': 'dismiss-problem', onclick: () => (dismissedProblems.add(p.movedTo), renderBanner(nav)) }, 'Dismiss'),
      );
    }),
  );
  host.hidden = !missing && problems.length === 0;
}
