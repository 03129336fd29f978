// pure: the domain rules every view shows (tray, window, notifications, CLI), written once.
import type { AuthMode, TunnelStateKind, TunnelView } from './types.js';

/** The OpenID Connect modes need complete FusionAuth settings; `internal` and `public` do not. */
export function needsFusionAuth(mode: AuthMode | undefined): boolean {
  return mode === 'oidc' || mode === 'oidc-legacy';
}

/**
 * The name a tunnel gets when none is given, the same in the window and the CLI: 3000 → port-3000,
 * 127.0.0.1:8080 → 127-0-0-1-8080.
 */
export function defaultTunnelName(target: string): string {
  const t = target.trim();
  if (/^\d+$/.test(t)) return `port-${t}`;
  const n = t.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return n || 'tunnel';
}

/** Starting, online or reconnecting: the tunnel has (or is getting) a public URL, so "Stop" applies. */
export function isRunning(state: TunnelStateKind): boolean {
  return state === 'starting' || state === 'online' || state === 'reconnecting';
}

/**
 * The alarm: the probe found the URL reachable without a sign-in on a tunnel meant to be protected.
 * A `public` tunnel is open by choice, so it is not an alarm.
 */
export function isOpenByMistake(v: Pick<TunnelView, 'protection' | 'mode'>): boolean {
  return v.protection === 'open' && v.mode !== 'public';
}

/** An http(s) URL: the only kind Porthole hands to the OS to open. */
export function isHttpUrl(url: string | undefined): url is string {
  return !!url && /^https?:\/\//i.test(url);
}

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1: the only hosts where a plain-http issuer is allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A damaged file set aside at launch (see SettingsProblem in contract.ts). */
export interface SettingsProblemFacts {
  kind: 'settings' | 'secrets';
  issue?: 'unreadable' | 'read-only';
  movedTo: string;
  keptTunnels: number;
  reason?: string;
}

/** What to tell the user about a file set aside at launch: a title (no full stop) and a body. */
export function settingsProblemText(p: SettingsProblemFacts): { title: string; body: string } {
  const why = p.reason ? ` (${p.reason})` : '';
  const what = p.kind === 'secrets' ? 'stored secrets' : 'settings';
  if (p.issue === 'unreadable') {
    return {
      title: `Porthole cannot read its ${what} file`,
      body: `${p.movedTo} could not be read${why}. Porthole started without it, left it untouched and will not save over it: give your user access to it (or remove it), then restart Porthole.`,
    };
  }
  if (p.issue === 'read-only') {
    return {
      title: `Porthole cannot save its ${what}`,
      body: `The folder of ${p.movedTo} is read-only${why}. Everything was read, but changes are not saved until your user may write there.`,
    };
  }
  if (p.kind === 'secrets') {
    return {
      title: 'Porthole’s stored secrets could not be read',
      body: `The file was set aside as ${p.movedTo}. Your tunnels are kept: enter the ngrok authtoken and each tunnel’s client secret again.`,
    };
  }
  const one = p.keptTunnels === 1;
  return {
    title: 'Porthole’s settings file was damaged',
    body: `It was set aside as ${p.movedTo}. ${one ? '1 tunnel' : `${p.keptTunnels} tunnels`} that could still be read ${one ? 'was' : 'were'} kept; your stored secrets are unaffected. Check your tunnels and settings.`,
  };
}

/** An internal endpoint's URL (`https://web.internal`): no browser reaches it, only a Cloud Endpoint does. */
export function isInternalUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    return new URL(url).hostname.endsWith('.internal');
  } catch {
    return false;
  }
}

/** What an internal URL is for, in one line (the window and the tray say the same). */
export const INTERNAL_URL_PURPOSE = 'Not reachable from a browser: a Cloud Endpoint’s forward-internal action sends its traffic here.';

/**
 * The header of an internal tunnel's Cloud Endpoint policy that holds no sign-in step (no issuer and
 * client id given): said plainly, since pasted as it is, it leaves the app open to anyone. The CLI's
 * `porthole policy` and the window's policy box print the same words (both from policyYaml).
 */
export const INTERNAL_POLICY_NO_SIGN_IN = [
  'WARNING: this policy has NO sign-in step: no FusionAuth issuer and client id are set.',
  'Pasted as it is, the Cloud Endpoint is PUBLIC: anyone with its URL reaches the app,',
  'unless something else in front of it protects it. To sign users in, set the FusionAuth',
  'issuer, client id and client secret, and use the policy shown then.',
];

/**
 * The Traffic Policy rule a Cloud Endpoint needs to reach an internal tunnel: the last rule of its policy,
 * after the sign-in rules that live in the ngrok dashboard. Holds no secret.
 */
export function forwardInternalSnippet(url: string): string {
  return ['on_http_request:', '  - actions:', '      - type: forward-internal', '        config:', `          url: ${url}`, ''].join('\n');
}

/** Where secrets are kept, in the user's words (never Electron's backend ids), and what to do when that is weak. */
interface SecretStorageWords {
  /** "your desktop's keyring (GNOME Keyring)", "no keyring: …". */
  where: string;
  /** What to do about it; only when the storage is weak or missing. */
  fix?: string;
}

const STORAGE_WORDS: Record<string, string> = {
  gnome_libsecret: 'your desktop’s keyring (GNOME Keyring)',
  kwallet: 'your desktop’s keyring (KWallet)',
  kwallet5: 'your desktop’s keyring (KWallet)',
  kwallet6: 'your desktop’s keyring (KWallet)',
  keychain: 'the macOS Keychain',
  dpapi: 'Windows’ data protection for your account',
};

const WEAK_STORAGE_FIX = 'Install and unlock GNOME Keyring or KWallet (on most desktops: the package gnome-keyring or kwalletmanager), log out and back in, then restart Porthole. Until then Porthole asks before storing a secret.';

/** The words for Electron safeStorage's backend (`gnome_libsecret`, `basic_text`, …). */
export function secretStorageWords(s: { backend: string; weak: boolean; available: boolean }): SecretStorageWords {
  if (!s.available) return { where: 'no way to encrypt secrets on this system', fix: 'Unlock or install a keyring (GNOME Keyring or KWallet), then restart Porthole.' };
  if (s.weak || s.backend === 'basic_text') return { where: 'no keyring: secrets would be stored with a fixed key', fix: WEAK_STORAGE_FIX };
  return { where: STORAGE_WORDS[s.backend] ?? 'your system’s keyring' };
}
