// browser: the FusionAuth preflight's result as a checklist, each failed check with its fix, and the
// redirect URL to add in FusionAuth.

import type { PreflightCheck, PreflightReport } from '../../common/types.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { CHECK_LABEL } from '../labels.js';
import { toast } from '../ui.js';

const ICON = { pass: '✓', warn: '!', fail: '✕', skip: '–', manual: 'i' } as const;
const kind = (c: PreflightCheck): keyof typeof ICON => c.status;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "1 failed, 5 not checked, 1 to do by hand": a check never run is not counted as failed. */
function summary(report: PreflightReport): string {
  const count = (s: PreflightCheck['status']): number => report.checks.filter((c) => c.status === s).length;
  const [failed, skipped, manual, warned] = [count('fail'), count('skip'), count('manual'), count('warn')];
  const rest = [skipped ? `${skipped} not checked` : '', manual ? `${manual} to do by hand` : ''].filter(Boolean);
  if (!report.ok) return `${[`${failed} failed`, ...rest].join(', ')}: the tunnel would not start.`;
  const head = warned ? `FusionAuth is ready, with ${plural(warned, 'warning', 'warnings')}` : 'FusionAuth is ready for this tunnel';
  return `${head}${manual ? ` (${manual} to do by hand)` : ''}.`;
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
      c.fix && c.status !== 'pass' && c.status !== 'skip' ? h('p', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix: '), c.fix) : null,
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

/** Without a redirect URL (after "Set up FusionAuth for me", which added it), no "add this" block. */
export function renderChecklist(report: PreflightReport & { redirectUri?: string }): HTMLElement {
  return h(
    'div',
    { class: `checklist ${report.ok ? 'ok' : 'failed'}`, 'data-ok': String(report.ok) },
    h('p', { class: 'checklist-summary' }, summary(report)),
    h('ul', {}, ...report.checks.map(checkItem)),
    report.redirectUri ? redirect(report.redirectUri) : null,
  );
}
