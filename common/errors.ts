// pure: every error code Porthole shows, and the one place their user-facing text lives.
// Imports only common/scrub.ts: main, preload and renderer all read it. Messages never carry a secret (see `scrub`).

/** An ngrok error code passed through as it came (`ERR_NGROK_3200`); the ones we explain get our own code. */
export type NgrokErrorCode = `ERR_NGROK_${number}`;

/** Porthole's own codes. The comment on each says when it is used. */
export type PortholeCode =
  /** Input refused at the boundary; `field` names the culprit. */
  | 'INVALID_INPUT'
  /** A FusionAuth preflight check failed; the message is that check's. */
  | 'PREFLIGHT_FAILED'
  /** No ngrok authtoken was given. */
  | 'NO_AUTHTOKEN'
  /** ERR_NGROK_105/106/107/300/4018: the authtoken was refused. */
  | 'NGROK_AUTHTOKEN'
  /** ERR_NGROK_108: the plan's limit of simultaneous agent sessions. */
  | 'NGROK_TOO_MANY_SESSIONS'
  /** ERR_NGROK_324: the plan's limit of endpoints per agent session. */
  | 'NGROK_ENDPOINT_LIMIT'
  /** ERR_NGROK_334: the endpoint (domain) is already online elsewhere. */
  | 'NGROK_ENDPOINT_ONLINE'
  /** ERR_NGROK_334 while reconnecting: ngrok still holds the domain for the previous connection (a reconnecting tunnel's reason, not a failure). */
  | 'NGROK_ENDPOINT_HELD'
  /** ERR_NGROK_6030/18016/18017: endpoints on one URL, some pooled and some not. */
  | 'NGROK_POOL_MIXED'
  /** ERR_NGROK_18019: the ngrok plan has no endpoint pooling. */
  | 'NGROK_POOLING_UNAVAILABLE'
  /** ERR_NGROK_326 and similar: ngrok refused the requested domain. */
  | 'NGROK_DOMAIN'
  /** ERR_NGROK_387/7088 (issuer), 385/7089 (client id), 386 (client secret). */
  | 'NGROK_OIDC_CONFIG'
  /** ERR_NGROK_5204: ngrok could not verify FusionAuth's ID token. */
  | 'NGROK_OIDC_TOKEN'
  /** ERR_NGROK_5212/7098: OpenID Connect is not available on the account or domain. */
  | 'NGROK_OIDC_NOT_ENABLED'
  /** ERR_NGROK_7008: Edges (labeled tunnels) were retired. */
  | 'NGROK_EDGES_RETIRED'
  /** The TLS handshake with the ngrok ingress failed (custom server_addr / CA, or a TLS-inspecting proxy). */
  | 'NGROK_TLS'
  /** No TCP connection to the ngrok ingress. */
  | 'NGROK_UNREACHABLE'
  /** ngrok failed without a code we know; the SDK's (scrubbed) text is the message. */
  | 'NGROK_FAILED'
  /** Importing the authtoken: no ngrok config file or NGROK_AUTHTOKEN holds one. */
  | 'NGROK_CONFIG_NOT_FOUND'
  /** A tunnel was stopped while its ngrok session was still being opened. */
  | 'CANCELLED'
  /** No tunnel has the given name. */
  | 'NOT_FOUND'
  /** The tunnel has no public URL (it is not online). */
  | 'NOT_ONLINE'
  /** A `public` tunnel was saved without the explicit confirmation. */
  | 'CONFIRM_PUBLIC'
  /** The OS offers no way to encrypt secrets. */
  | 'SECRET_STORAGE_UNAVAILABLE'
  /** Only a key on this computer would protect the secrets; the user must confirm. */
  | 'SECRET_STORAGE_WEAK'
  /** A stored secret cannot be read or decrypted. */
  | 'SECRET_STORAGE_CORRUPT'
  /** A secret key name that is a programming error (never user input). */
  | 'SECRET_KEY_INVALID'
  /** The OS refused to change "start at login". */
  | 'LOGIN_ITEM'
  /** The settings could not be saved: the folder is read-only, or the file on disk could not be read at launch. */
  | 'SETTINGS_NOT_WRITABLE'
  /** An IPC request that did not come from Porthole's own window. */
  | 'FORBIDDEN_SENDER'
  /** Anything unexpected; the message is generic (and scrubbed). */
  | 'INTERNAL';

/** Every code a PortholeError may carry. */
export type ErrorCode = PortholeCode | NgrokErrorCode;

/** An error as data: a stable code, a message saying what is wrong, and how to fix it. */
export interface PortholeError {
  code: ErrorCode;
  /** The ngrok error code when ngrok gave one. */
  ngrokCode?: string;
  /** The input field at fault, for validation errors. */
  field?: string;
  message: string;
  fix?: string;
}

export interface ErrorText {
  message: string;
  fix?: string;
}

const DASHBOARD_TOKEN = 'https://dashboard.ngrok.com/get-started/your-authtoken';
/** The pool setting in the window's words and the CLI's, for fixes both surfaces show. */
const POOL_SETTING = '"Share this URL with other agents" (--pool)';
type Detail = {
  serverAddr?: string;
  /** The endpoint's domain (reserved or `.internal`), when it has one. */
  domain?: string;
  /** This endpoint asked for pooling. */
  pooled?: boolean;
  /** The ngrok code, where one Porthole code stands for several. */
  ngrokCode?: string;
  /** ms since epoch: since when Porthole has been waiting. */
  since?: number;
};

/** `10:42`, in the machine's local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function endpointOnline({ domain, pooled }: Detail): ErrorText {
  const what = domain ?? 'this endpoint';
  if (pooled) {
    return { message: `Another ngrok agent is serving ${what} without pooling, so this tunnel cannot join it.`, fix: `Turn on ${POOL_SETTING} on the other agent too (ngrok's own agent: --pooling-enabled), or stop it.` };
  }
  return { message: `Another ngrok agent is already serving ${what}.`, fix: `To serve it from both, turn on ${POOL_SETTING} here and on the other agent (ngrok's own agent: --pooling-enabled); otherwise stop the other agent first, or choose another domain.` };
}

function poolMixed({ domain, ngrokCode }: Detail): ErrorText {
  const what = domain ?? 'this URL';
  switch (ngrokCode) {
    case 'ERR_NGROK_18016':
      return { message: `This tunnel pools ${what}, but another endpoint on it (a Cloud Endpoint or an agent) does not.`, fix: `Turn on pooling for that other endpoint (in the ngrok dashboard for a Cloud Endpoint), or turn off ${POOL_SETTING} here.` };
    case 'ERR_NGROK_18017':
      return { message: `Other endpoints already share ${what} with pooling, and this tunnel does not pool.`, fix: `Turn on ${POOL_SETTING} for this tunnel to join them.` };
    default:
      return { message: `${what} has several endpoints, but not all of them have pooling on.`, fix: `Turn on ${POOL_SETTING} on every agent serving it (ngrok's own agent: --pooling-enabled), or stop the ones without it.` };
  }
}

/** The standard text of each code; the few that depend on context take `detail`. */
const TEXT: Record<PortholeCode, ErrorText | ((d: Detail) => ErrorText)> = {
  INVALID_INPUT: { message: 'Some input is not valid.', fix: 'Correct the field named in the error.' },
  PREFLIGHT_FAILED: { message: 'The FusionAuth check failed, so the tunnel was not started.', fix: 'Run "Check FusionAuth" and follow the fix shown for the failed check.' },
  NO_AUTHTOKEN: { message: 'No ngrok authtoken is set.', fix: `Copy your authtoken from ${DASHBOARD_TOKEN} and paste it in Settings (or set NGROK_AUTHTOKEN).` },
  NGROK_AUTHTOKEN: { message: 'ngrok rejected the authtoken.', fix: `Copy your authtoken again from ${DASHBOARD_TOKEN} and paste it in Settings; it may have been reset or revoked.` },
  NGROK_TOO_MANY_SESSIONS: { message: 'Your ngrok plan allows no more agent sessions.', fix: 'Stop other ngrok agents using this authtoken (Porthole needs only one for all its tunnels), or upgrade the plan.' },
  NGROK_ENDPOINT_LIMIT: { message: 'Your ngrok plan allows no more endpoints on one agent session.', fix: 'Stop another tunnel first, or upgrade the ngrok plan.' },
  NGROK_ENDPOINT_ONLINE: endpointOnline,
  NGROK_ENDPOINT_HELD: ({ domain, since }) => ({
    message: `ngrok still holds ${domain ?? 'this endpoint'} for the previous connection; waiting${since === undefined ? '' : ` since ${clockTime(since)}`}`,
    fix: 'Nothing to do: Porthole takes it back as soon as ngrok lets go of the old connection. A pooled tunnel does not wait.',
  }),
  NGROK_POOL_MIXED: poolMixed,
  NGROK_POOLING_UNAVAILABLE: { message: 'Your ngrok plan does not include endpoint pooling.', fix: `Turn off ${POOL_SETTING} for this tunnel, or move to an ngrok plan with pooling (pay-as-you-go).` },
  NGROK_DOMAIN: { message: 'ngrok refused the requested domain.', fix: 'Reserve the domain in the ngrok dashboard (Domains), or leave the domain empty for an assigned one.' },
  NGROK_OIDC_CONFIG: { message: 'ngrok says the OpenID Connect settings are incomplete.', fix: 'Fill in the FusionAuth issuer URL, client id and client secret of the tunnel.' },
  NGROK_OIDC_TOKEN: { message: "ngrok could not verify FusionAuth's ID token.", fix: "Check that the tunnel's issuer equals FusionAuth's tenant issuer exactly (Tenants > Your Tenant > General > Issuer) and that the application signs ID tokens with an asymmetric key (Applications > Edit > JWT)." },
  NGROK_OIDC_NOT_ENABLED: { message: 'OpenID Connect is not available for this ngrok account or domain.', fix: 'Use an ngrok plan that includes OpenID Connect, or the "internal" mode with a Cloud Endpoint that carries the policy.' },
  NGROK_EDGES_RETIRED: { message: 'ngrok retired Edges and labeled tunnels.', fix: 'Use the "internal" mode and a Cloud Endpoint in the ngrok dashboard instead of an Edge.' },
  NGROK_TLS: ({ serverAddr: addr }) =>
    addr
      ? { message: `The TLS handshake with the ngrok ingress at ${addr} failed.`, fix: 'Give the CA certificate that signs that ingress (--ca-file / Settings), and check that its certificate names this address.' }
      : { message: 'The TLS handshake with ngrok failed.', fix: 'A proxy may be inspecting TLS: set its CA certificate in Settings, or ask your network admin to allow connect.ngrok-agent.com.' },
  NGROK_UNREACHABLE: ({ serverAddr: addr }) =>
    addr
      ? { message: `Could not connect to the ngrok ingress at ${addr}.`, fix: 'Check the server address and port, and that the ingress is running.' }
      : { message: 'Could not connect to ngrok.', fix: 'Check the internet connection and that a firewall allows connect.ngrok-agent.com:443.' },
  NGROK_FAILED: { message: 'ngrok reported an error.', fix: 'See the message; https://ngrok.com/docs/errors lists every ngrok error code.' },
  NGROK_CONFIG_NOT_FOUND: { message: 'No ngrok authtoken found: NGROK_AUTHTOKEN is not set and no ngrok config file holds one.', fix: 'Paste your authtoken from dashboard.ngrok.com (Getting Started > Your Authtoken), or run `ngrok config add-authtoken <token>` and import again.' },
  CANCELLED: { message: 'Stopped before the session was ready.' },
  NOT_FOUND: { message: 'There is no tunnel with that name.', fix: 'Pick a tunnel from the list.' },
  NOT_ONLINE: { message: 'The tunnel is not online.', fix: 'Start the tunnel first.' },
  CONFIRM_PUBLIC: { message: 'A public tunnel has no sign-in: anyone with the URL reaches your app.', fix: 'Confirm that this tunnel should be public, or choose a FusionAuth mode.' },
  SECRET_STORAGE_UNAVAILABLE: { message: 'This system offers no way to encrypt secrets, so Porthole will not store them.', fix: 'Unlock or install a keyring (GNOME Keyring or KWallet), then try again.' },
  SECRET_STORAGE_WEAK: { message: 'No OS keychain is available: secrets would be encrypted with a key stored on this computer.', fix: 'Confirm to store them anyway, or set up GNOME Keyring or KWallet and restart Porthole.' },
  SECRET_STORAGE_CORRUPT: { message: 'A stored secret cannot be read.', fix: 'Enter it again.' },
  SECRET_KEY_INVALID: { message: 'Porthole used an invalid secret name.' },
  LOGIN_ITEM: { message: 'Porthole could not change the programs started at login.', fix: 'Change it in your system’s startup applications settings instead.' },
  SETTINGS_NOT_WRITABLE: { message: 'Porthole cannot save its settings.', fix: 'Give your user read and write access to Porthole’s settings folder (the message names it), then restart Porthole.' },
  FORBIDDEN_SENDER: { message: 'This request did not come from the Porthole settings window and was refused.' },
  INTERNAL: { message: 'Something went wrong.' },
};

/** The user-facing text for one of Porthole's codes. `detail` adds context (e.g. the ingress address). */
export function describe(code: PortholeCode, detail: Detail = {}): ErrorText {
  const t = TEXT[code];
  return typeof t === 'function' ? t(detail) : { ...t };
}

/** True for `ERR_NGROK_<digits>`. */
export function isNgrokCode(code: string): code is NgrokErrorCode {
  return /^ERR_NGROK_\d+$/.test(code);
}

/** A PortholeError from one of Porthole's own codes, with its standard text unless overridden. */
export function portholeError(code: PortholeCode, override: Partial<ErrorText> & { field?: string } = {}): PortholeError {
  const t = describe(code);
  const fix = override.fix ?? t.fix;
  return { code, ...(override.field ? { field: override.field } : {}), message: override.message ?? t.message, ...(fix ? { fix } : {}) };
}

/** An input error naming its field. */
export function invalidInput(field: string, message: string, fix?: string): PortholeError {
  return { code: 'INVALID_INPUT', field, message, ...(fix ? { fix } : {}) };
}

/** One line for people: "field: message (code). fix". */
export function formatError(e: PortholeError): string {
  const code = e.ngrokCode ?? e.code;
  const where = e.field ? `${e.field}: ` : '';
  return `${where}${e.message} (${code})${e.fix ? `. ${e.fix}` : ''}`;
}

// The one scrubber lives in its own module (it knows every encoding a secret can come back in).
export { asData, scrub } from './scrub.js';
