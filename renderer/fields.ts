// browser: a labelled form field with its error slot, and putting errors from main into those slots.
// Which slot an error's `field` path belongs to comes from common/fields.ts.

import type { PortholeError } from '../common/types.js';
import { fieldControl, fieldKey, fieldLabel } from '../common/fields.js';
import { api } from './api.js';
import { h, type Child } from './dom.js';
import { sentence } from './labels.js';
import { state } from './state.js';
import { toast } from './ui.js';

/**
 * The message in the window's words: the leading field path dropped ("fusionauth.issuer must be…" →
 * "Must be…"), or replaced by the field's label where the rest needs a subject ("Local port is required").
 */
function fieldMessage(e: PortholeError): string {
  let m = e.message;
  if (e.field && m.startsWith(`${e.field} `)) m = m.slice(e.field.length + 1);
  if (e.field && fieldKey(e.field) && /^is /.test(m)) return `${fieldLabel(e.field, 'window')} ${m}`;
  return m.charAt(0).toUpperCase() + m.slice(1);
}

export function clearErrors(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** Each error under its field (several on one field join), the first offending control focused. */
export function showErrors(root: HTMLElement, errors: PortholeError[]): void {
  clearErrors(root);
  let first: HTMLElement | undefined;
  const seen = new Set<string>();
  for (const e of errors) {
    const key = fieldControl(e.field);
    const slot = root.querySelector<HTMLElement>(`.field-error[data-error-for="${key}"]`) ?? root.querySelector<HTMLElement>('.field-error[data-error-for="form"]');
    if (!slot) continue;
    if (!seen.has(key)) {
      slot.replaceChildren(h('span', { class: 'error-text' }, sentence(fieldMessage(e))));
      if (e.fix) slot.append(h('span', { class: 'error-fix' }, e.fix));
    } else {
      slot.querySelector('.error-text')?.append(` ${sentence(fieldMessage(e))}`);
    }
    seen.add(key);
    slot.hidden = false;
    const field = slot.closest('.field');
    field?.classList.add('invalid');
    const input = field?.querySelector<HTMLElement>('input, textarea, select');
    input?.setAttribute('aria-invalid', 'true');
    first ??= input ?? slot;
  }
  first?.focus();
}

interface FieldOpts {
  key: string;
  label: string;
  hint?: Child;
  control: HTMLElement;
  extra?: Child;
  badge?: Child;
}

export function field(o: FieldOpts): HTMLElement {
  const id = o.control.id;
  return h(
    'div',
    { class: 'field', 'data-field': o.key },
    h('label', { for: id }, o.label, o.badge ?? null),
    o.control,
    o.extra ?? null,
    o.hint ? h('p', { class: 'hint' }, o.hint) : null,
    h('p', { class: 'field-error', 'data-error-for': o.key, hidden: true }),
  );
}

/** Saves the "notify me when someone new signs in" setting when `box` changes (Settings and each
 * tunnel's Visits tab); a refused save puts the tick back, so the box shows what is really saved. */
export function wireNotifyNewVisitors(box: HTMLInputElement): void {
  box.addEventListener('change', async () => {
    const r = await api().saveSettings({ notifyNewVisitors: box.checked });
    if (!r.ok) return ((box.checked = !box.checked), toast(r.error.message, 'error'));
    state.settings = r.value;
  });
}
