// browser: the window's words for modes, states, checks and protection verdicts.

import type { AuthMode, PreflightCheck, TunnelView } from '../common/types.js';

export const MODE_LABEL: Record<AuthMode, string> = {
  oidc: 'FusionAuth sign-in',
  'oidc-legacy': 'FusionAuth sign-in (agent options)',
  internal: 'Internal endpoint',
  public: 'Public, no sign-in',
};
export const MODE_HINT: Record<AuthMode, string> = {
  oidc: 'A Traffic Policy on the endpoint sends visitors to FusionAuth first. Recommended.',
  'oidc-legacy': 'The agent’s older oidc options, as in “ngrok http --oidc=…”.',
  internal: 'An internal endpoint for a Cloud Endpoint whose policy lives in the ngrok dashboard.',
  public: 'No sign-in at all: anyone who has the URL reaches your app.',
};
export const STATE_LABEL: Record<TunnelView['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  online: 'Online',
  reconnecting: 'Reconnecting',
  error: 'Error',
};
export const CHECK_LABEL: Record<PreflightCheck['id'], string> = {
  'issuer-url': 'Issuer URL',
  discovery: 'Discovery document',
  'issuer-match': 'Issuer matches',
  grants: 'Grant types',
  scopes: 'Scopes',
  'token-endpoint': 'Token endpoint',
  'client-credentials': 'Client id and secret',
  'redirect-uri': 'Redirect URL',
};

export function protectionText(v: TunnelView): { label: string; cls: string } | undefined {
  if (v.protection === 'open') return { label: v.mode === 'public' ? 'Public' : 'OPEN', cls: v.mode === 'public' ? 'pill-warn' : 'pill-danger' };
  if (v.protection === 'protected') return { label: 'Protected', cls: 'pill-ok' };
  if (v.protection === 'unknown') return { label: 'Protection unknown', cls: 'pill-muted' };
  if (v.state === 'online') return { label: 'Checking protection…', cls: 'pill-muted' };
  return undefined;
}

export const targetLabel = (target: string): string => (/^\d+$/.test(target) ? `localhost:${target}` : target);

/** End a message with a full stop unless it has its own punctuation. */
export const sentence = (m: string): string => (/[.!?…]$/.test(m) ? m : `${m}.`);

/** A stored secret that can no longer be decrypted (StoredSecret.mustReenter): the badge and the line under its field. */
export const MUST_REENTER = 'must be entered again';
export const reenterLine = (what: string): string =>
  `The stored ${what} could not be read (for example after a keychain reset, or on a new computer) and must be entered again. Everything else was kept.`;
