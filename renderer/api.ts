// browser: the window's only way to main (`window.porthole`, see common/contract.ts), and the two ways
// every pane calls it: with the keychain consent, and from a button that shows it is busy.

import type { IpcResult, PortholeApi } from '../common/contract.js';
import type { PortholeError } from '../common/types.js';
import { secretStorageWords } from '../common/view-rules.js';
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
    // main said the storage is weak: the window's own words for it, not main's backend id
    const words = secretStorageWords({ backend: 'basic_text', weak: true, available: true });
    const yes = await confirmDialog(
      'Store secrets without a keyring?',
      `${words.where.charAt(0).toUpperCase()}${words.where.slice(1)}. Anyone who can read your files could recover them. ${words.fix ?? ''}`.trim(),
      'Store anyway',
      true,
    );
    if (!yes) return r;
    state.allowInsecureStorage = true;
    r = await call(true);
  }
  return r;
}

/**
 * Run a call from a button: busy while it runs, the error (with its fix) as a toast — unless `handled`
 * shows it somewhere that lasts (it returns true then).
 */
export async function act(button: HTMLButtonElement, run: () => Promise<IpcResult<unknown>>, done?: string, handled?: (e: PortholeError) => boolean): Promise<void> {
  button.disabled = true;
  button.classList.add('busy');
  try {
    const r = await run();
    if (!r.ok && handled?.(r.error)) return;
    if (!r.ok) toast(`${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, 'error');
    else if (done) toast(done);
  } finally {
    button.disabled = false;
    button.classList.remove('busy');
  }
}
