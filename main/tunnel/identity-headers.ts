// pure: the request headers Porthole owns between ngrok's edge and the app — who signed in, the
// per-run proof that ngrok's edge (not a visitor, not a local process) set them, and the marker of
// Porthole's own protection check — and every spelling of them a framework could read.

/** The headers that tell the app who signed in (as oauth2-proxy names them). */
export const IDENTITY_HEADERS = { email: 'X-Forwarded-Email', user: 'X-Forwarded-User' } as const;

/**
 * Set by the tunnel's policy after the sign-in, with a random value per run: the recording proxy
 * believes the identity headers only when it is there, and removes it before the app.
 */
export const PROOF_HEADER = 'X-Porthole-Proof';

/** Sent by Porthole's protection check with a random value per run: its request is not a visitor's. */
export const PROBE_HEADER = 'X-Porthole-Probe';

/** Sent by the inspector's "Replay" with a random value per run: the request is the user's own replay. */
export const REPLAY_HEADER = 'X-Porthole-Replay';

/** A header name as CGI, WSGI, Rack and PHP see it: case folded, `_` and `-` alike. */
function headerKey(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/**
 * Every spelling of `name` with `_` or `-` at each separator: `X-Forwarded-Email`, `X_Forwarded_Email`,
 * `X-Forwarded_Email`, …; ngrok's remove-headers matches any case, so these are all of them.
 */
function spellings(name: string): string[] {
  const parts = name.split(/[-_]/);
  let out = [parts[0]!];
  for (const p of parts.slice(1)) out = out.flatMap((s) => [`${s}-${p}`, `${s}_${p}`]);
  return out;
}

/** Every spelling of every header Porthole owns: what the edge and the proxy remove from visitors. */
export function ownedHeaderSpellings(): string[] {
  return [IDENTITY_HEADERS.email, IDENTITY_HEADERS.user, PROOF_HEADER, PROBE_HEADER, REPLAY_HEADER].flatMap(spellings);
}

/** What a header name is to Porthole: one of its own (by key), or null. */
type OwnedHeader = 'email' | 'user' | 'proof' | 'probe' | 'replay';
const OWNED = new Map<string, OwnedHeader>([
  [headerKey(IDENTITY_HEADERS.email), 'email'],
  [headerKey(IDENTITY_HEADERS.user), 'user'],
  [headerKey(PROOF_HEADER), 'proof'],
  [headerKey(PROBE_HEADER), 'probe'],
  [headerKey(REPLAY_HEADER), 'replay'],
]);

export function ownedHeader(name: string): OwnedHeader | null {
  return OWNED.get(headerKey(name)) ?? null;
}
