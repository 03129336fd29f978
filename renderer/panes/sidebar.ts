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
  el.textContent = settings.ngrok.authtoken.stored ? 'Authtoken stored' : 'Add your ngrok authtoken';
  el.className = `nav-settings-sub${settings.ngrok.authtoken.stored ? '' : ' attention'}`;
}

/** Problems the user dismissed in this window (keyed by where the damaged file went). */
const dismissedProblems = new Set<string>();

/** A banner above every pane while a settings file found damaged at launch is not acknowledged. */
export function renderProblems(): void {
  const host = $('banner');
  const list = (state.settings?.problems ?? []).filter((p) => !dismissedProblems.has(p.movedTo));
  host.replaceChildren(
    ...list.map((p) => {
      const text = settingsProblemText(p);
      return h(
        'div',
        { class: 'alert alert-warn', role: 'alert', 'data-role': 'settings-problem' },
        h('div', { class: 'alert-text' }, h('strong', {}, `${text.title}.`), h('p', {}, text.body)),
        h('button', { class: 'btn small', type: 'button', 'data-action': 'dismiss-problem', onclick: () => (dismissedProblems.add(p.movedTo), renderProblems()) }, 'Dismiss'),
      );
    }),
  );
  host.hidden = list.length === 0;
}
