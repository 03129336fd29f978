// pure: what the user is shown when the app cannot start at all. A tray app that dies before its tray
// exists leaves nothing on screen, so main/index.ts shows this in an error box before it exits. The
// text says what went wrong and what to do; foreign text in it is scrubbed and made one safe line.
import { asData, describe, scrub } from '../../common/errors.js';

interface StartupFailureText {
  title: string;
  content: string;
}

const TITLE = 'Porthole could not start';

/** The thrown thing's own words, scrubbed of anything labelled a secret and of control characters. */
function detailOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return raw ? asData(scrub(raw), 300) : '';
}

/** What to do, by the kind of failure; `what` is the problem in Porthole's words. */
function diagnose(err: unknown, detail: string, platform: NodeJS.Platform): { what: string; fix: string } {
  const e = err as { code?: unknown; fix?: unknown; message?: unknown } | null;
  // A PortholeError (or an Error carrying one's code and fix) already says both.
  if (e && typeof e.code === 'string' && typeof e.fix === 'string' && typeof e.message === 'string') return { what: asData(scrub(e.message), 300), fix: asData(scrub(e.fix), 300) };
  if (/key ?store|keyring|keychain|safeStorage|secret service|libsecret|kwallet|dpapi|encrypt/i.test(detail)) {
    const where = platform === 'darwin' ? 'the macOS Keychain' : platform === 'win32' ? 'Windows’ credential protection' : 'the desktop keyring';
    return {
      what: `Porthole could not reach ${where}, where it keeps the ngrok authtoken and client secrets encrypted.`,
      fix: platform === 'linux' ? (describe('SECRET_STORAGE_UNAVAILABLE').fix ?? '') + ' Logging out and in again restarts a stuck keyring.' : 'Unlock it (log out and in again if it is stuck), then start Porthole again.',
    };
  }
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'].includes(code) || /settings|userData/i.test(detail)) {
    return { what: 'Porthole cannot open its settings folder.', fix: describe('SETTINGS_NOT_WRITABLE').fix ?? '' };
  }
  return { what: 'Something went wrong while Porthole started.', fix: 'Start Porthole again. If it fails again, start it from a terminal to see its log, and report the details above.' };
}

/** The error box for a start that failed: what went wrong, the thrown message (scrubbed), and the fix. */
export function startupFailureText(err: unknown, platform: NodeJS.Platform = process.platform): StartupFailureText {
  const detail = detailOf(err);
  const { what, fix } = diagnose(err, detail, platform);
  const lines = [what, ...(detail && detail !== what ? [`Details: ${detail}`] : []), `Fix: ${fix}`];
  return { title: TITLE, content: lines.join('\n\n') };
}
