// browser: the window's only way to main (`window.porthole`, see common/contract.ts), and the two ways
// every pane calls it: with the keychain consent, and from a button that shows it is busy.

import type { IpcResult, PortholeApi } from '../common/contract.js';
import { state } from './state.js';
import { confirmDialog, toast } from './ui.js';

declare global {
  interface Window {
    porthole: PortholeApi;
  }
}

export const api = (): PortholeApi => window.porthole;

/** Run a call that may store a secret: when main says there is no real keychain, ask, then retry. */
export async function withSecretConsent<T>(call: (allow: boolean) => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  let r = await call(state.allowInsecureStorage);
  if (!r.ok && r.error.code === 'SECRET_STORAGE_WEAK') {
    const yes = await confirmDialog(
      'Store secrets without a keychain?',
      `${r.error.message} Anyone who can read your files could recover them. ${r.error.fix ?? ''}`.trim(),
      'Store anyway',
      true,
    );
    if (!yes) return r;
    state.allowInsecureStorage = true;
    r = await call(true);
  }
  return r;
}

/** Run a call from a button: busy while it runs, the error (with its fix) as a toast. */
export async function act(button: HTMLButtonElement, run: () => Promise<IpcResult<unknown>>, done?: string): Promise<void> {
  button.disabled = true;
  button.classList.add('busy');
  try {
    const r = await run();
    if (!r.ok) toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    else if (done) toast(done);
  } finally {
    button.disabled = false;
    button.classList.remove('busy');
  }
}
