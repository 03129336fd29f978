// browser: the toast (a strip under the main pane, so it covers nothing) and the in-page confirmation,
// both drawn into index.html's fixed elements.

import { $ } from './dom.js';

let toastTimer: ReturnType<typeof setTimeout> | undefined;

export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = $('toast');
  el.textContent = text;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  // The toast takes room under the pane, which gets shorter: keep the control just used in sight.
  const used = document.activeElement;
  if (used instanceof HTMLElement && $('main').contains(used)) used.scrollIntoView({ block: 'nearest' });
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), kind === 'error' ? 5000 : 2200);
}

/** An in-page confirmation (no window.confirm: it blocks main and is easy to click through). */
export function confirmDialog(title: string, body: string, confirmLabel: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    const modal = $('modal');
    $('modal-title').textContent = title;
    $('modal-body').textContent = body;
    const ok = $<HTMLButtonElement>('modal-confirm');
    const cancel = $<HTMLButtonElement>('modal-cancel');
    ok.textContent = confirmLabel;
    ok.className = danger ? 'btn danger' : 'btn primary';
    modal.hidden = false;
    ok.focus();
    const done = (answer: boolean): void => {
      modal.hidden = true;
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      document.removeEventListener('keydown', esc);
      resolve(answer);
    };
    const yes = (): void => done(true);
    const no = (): void => done(false);
    const esc = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') done(false);
    };
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    document.addEventListener('keydown', esc);
  });
}
