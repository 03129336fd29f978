// browser: the first-run guide — paste the ngrok authtoken right here, then add a tunnel; each step says
// what comes next.

import { h } from '../dom.js';
import { reenterLine } from '../labels.js';
import { state, type Nav } from '../state.js';
import { wireAuthtoken } from './authtoken.js';

function authtokenStep(nav: Nav, tokenStored: boolean): HTMLElement {
  if (tokenStored) {
    return h('li', { class: 'done', 'data-step': 'authtoken' }, h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'ngrok authtoken stored')), h('span', { class: 'step-done' }, '✓ Done'));
  }
  const token = h('input', { id: 'first-authtoken', type: 'password', autocomplete: 'new-password', spellcheck: 'false', placeholder: 'Paste your ngrok authtoken', 'aria-label': 'ngrok authtoken' });
  const importBtn = h('button', { class: 'btn link', type: 'button', id: 'first-import-authtoken' }, 'or import it from your ngrok config');
  const form = h(
    'form',
    { class: 'step-form', id: 'first-authtoken-form', novalidate: true },
    h('div', { class: 'field', 'data-field': 'authtoken' }, h('div', { class: 'inline' }, token, h('button', { class: 'btn primary', type: 'submit' }, 'Save')), h('p', { class: 'field-error', 'data-error-for': 'authtoken', hidden: true })),
    h('p', { class: 'hint' }, 'From dashboard.ngrok.com › Getting Started › Your Authtoken. Stored encrypted, never shown again. ', importBtn),
  );
  wireAuthtoken(nav, form, token, importBtn);
  const again = !!state.settings?.ngrok.authtoken.mustReenter;
  return h(
    'li',
    { class: 'todo', 'data-step': 'authtoken' },
    h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, again ? 'Paste your ngrok authtoken again' : 'Paste your ngrok authtoken'), again ? h('p', { class: 'reenter-line', 'data-role': 'reenter-line' }, reenterLine('ngrok authtoken')) : null, form),
  );
}

export function emptyPane(nav: Nav): HTMLElement {
  const tokenStored = !!state.settings?.ngrok.authtoken.stored;
  return h(
    'section',
    { class: 'pane empty' },
    h('div', { class: 'empty-art', 'aria-hidden': 'true' }, h('div', { class: 'logo big' }, h('div', { class: 'logo-glass' }))),
    h('h2', {}, 'Share a local app, safely'),
    h('p', { class: 'lead' }, 'Porthole opens an ngrok tunnel to a port on this computer and puts FusionAuth sign-in in front of it.'),
    h(
      'ol',
      { class: 'steps' },
      authtokenStep(nav, tokenStored),
      h(
        'li',
        { class: tokenStored ? 'todo' : '', 'data-step': 'tunnel' },
        h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'Add a tunnel'), h('p', { class: 'hint' }, 'Pick the local port, paste your FusionAuth application’s client id and secret, and run the check. With a FusionAuth API key, Porthole can set the application up for you.')),
        h(
          'div',
          { class: 'step-actions' },
          h('button', { class: `btn${tokenStored ? ' primary' : ''}`, type: 'button', id: 'first-tunnel', onclick: () => nav.show({ kind: 'form' }) }, 'Add a tunnel'),
          h('button', { class: 'btn', type: 'button', id: 'first-fa-setup', 'data-action': 'fa-setup', onclick: () => nav.show({ kind: 'fa-setup' }) }, 'Set up FusionAuth for me'),
        ),
      ),
      h('li', { 'data-step': 'start' }, h('div', { class: 'step-body' }, h('span', { class: 'step-title' }, 'Start it and share its URL'), h('p', { class: 'hint' }, 'Only people who sign in with FusionAuth (and are on the allow-list) get through.'))),
    ),
  );
}
