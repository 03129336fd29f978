// browser: the FusionAuth preflight's result as a checklist, each failed check with its fix, and the
// redirect URL to add in FusionAuth.

import type { PreflightResult } from '../../common/contract.js';
import type { PreflightCheck } from '../../common/types.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { CHECK_LABEL } from '../labels.js';
import { toast } from '../ui.js';

const ICON = { pass: '✓', warn: '!', fail: '✕', info: 'i' } as const;

// The redirect URL can't be probed from outside: it is shown as information, not as a pass.
const kind = (c: PreflightCheck): keyof typeof ICON => (c.id === 'redirect-uri' && c.status === 'pass' ? 'info' : c.status);

function summary(report: PreflightResult): string {
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  if (!report.ok) return `${failed} check${failed > 1 ? 's' : ''} failed: the tunnel would not start.`;
  return warned ? `FusionAuth is ready, with ${warned} warning${warned > 1 ? 's' : ''}.` : 'FusionAuth is ready for this tunnel.';
}

const checkItem = (c: PreflightCheck): HTMLElement =>
  h(
    'li',
    { class: `check-item check-${kind(c)}`, 'data-check': c.id, 'data-status': c.status },
    h('span', { class: 'check-icon', 'aria-label': kind(c) }, ICON[kind(c)]),
    h(
      'div',
      { class: 'check-body' },
      h('strong', {}, CHECK_LABEL[c.id] ?? c.id),
      h('p', {}, c.message),
      c.fix && c.status !== 'pass' ? h('p', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix: '), c.fix) : null,
    ),
  );

function redirect(uri: string): HTMLElement {
  const copy = async (): Promise<void> => {
    const r = await api().copyText({ text: uri });
    toast(r.ok ? 'Redirect URL copied' : r.error.message, r.ok ? 'ok' : 'error');
  };
  return h(
    'div',
    { class: 'redirect' },
    h('span', { class: 'redirect-label' }, 'Authorized redirect URL to add in FusionAuth (Applications › Your App › OAuth)'),
    h('div', { class: 'url-row' }, h('code', { class: 'url', 'data-role': 'redirect-uri' }, uri), h('button', { class: 'btn small', type: 'button', 'data-action': 'copy-redirect', onclick: copy }, 'Copy')),
  );
}

export function renderChecklist(report: PreflightResult): HTMLElement {
  return h(
    'div',
    { class: `checklist ${report.ok ? 'ok' : 'failed'}`, 'data-ok': String(report.ok) },
    h('p', { class: 'checklist-summary' }, summary(report)),
    h('ul', {}, ...report.checks.map(checkItem)),
    redirect(report.redirectUri),
  );
}
