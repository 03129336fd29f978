// pure: every error code Porthole shows, and the one place their user-facing text lives.
// Imports only common/scrub.ts: main, preload and renderer all read it. Messages never carry a secret (see `scrub`).

/** An ngrok error code passed through as it came (`ERR_NGROK_3200`); the ones we explain get our own code. */
type NgrokErrorCode = `ERR_NGROK_${number}`;

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
  /** The inspector keeps nothing of this request (inspection is off, or it was dropped). */
  | 'NOT_KEPT'
  /** A kept request could not be sent again to the local app. */
  | 'REPLAY_FAILED'
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

interface ErrorText {
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
  NOT_KEPT: { message: 'Porthole keeps no details of that request.', fix: 'Turn on "Inspect requests" in Settings; requests are kept from then on, in memory only (the oldest go first).' },
  REPLAY_FAILED: { message: 'The request could not be sent again.', fix: 'Start the tunnel and the app, then replay again.' },
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

// ---------------------------------------------------------------------------------------------
// FusionAuth's API: the codes and words of `porthole fusionauth setup` and the window's "Set up
// FusionAuth for me". main/fusionauth/errors.ts decides which applies; the text lives here.
// ---------------------------------------------------------------------------------------------

/** What went wrong talking to FusionAuth's API, or with what the set-up had to do around it. */
export type FusionAuthCode =
  /** 401 on the first call: the key is wrong (or may not even list tenants). */
  | 'FUSIONAUTH_API_KEY'
  /** 401 after an accepted call: the key lacks one endpoint. */
  | 'FUSIONAUTH_API_PERMISSION'
  /** Several tenants and none chosen. */
  | 'FUSIONAUTH_TENANT_REQUIRED'
  /** The chosen tenant is not listed, or none is. */
  | 'FUSIONAUTH_TENANT_NOT_FOUND'
  /** The tenant's issuer is not the FusionAuth URL, and changing it was not allowed. */
  | 'FUSIONAUTH_ISSUER'
  /** A user to register does not exist. */
  | 'FUSIONAUTH_USER_NOT_FOUND'
  /** 400 with FusionAuth's fieldErrors / generalErrors. */
  | 'FUSIONAUTH_REFUSED'
  | 'FUSIONAUTH_UNREACHABLE'
  | 'FUSIONAUTH_TIMEOUT'
  | 'FUSIONAUTH_RESPONSE_TOO_LARGE'
  /** Not JSON, or JSON of another shape than FusionAuth's API document says. */
  | 'FUSIONAUTH_BAD_RESPONSE'
  /** A 3xx answer: never followed, so the API key is sent to one place only. */
  | 'FUSIONAUTH_REDIRECT'
  | 'FUSIONAUTH_FAILED'
  /** FusionAuth changed between the plan shown and Apply: nothing written. */
  | 'FUSIONAUTH_PLAN_CHANGED'
  /** The client secret's file can't be written: refused before FusionAuth is changed. */
  | 'FUSIONAUTH_SECRET_FILE'
  /** FusionAuth was changed but the client secret could not be written afterwards. */
  | 'FUSIONAUTH_SECRET_NOT_WRITTEN';

/** One of FusionAuth's own `fieldErrors` (field '' for its `generalErrors`). */
export interface FusionAuthFieldError {
  field: string;
  code: string;
  message: string;
}

/** An error of the FusionAuth set-up as data, in FusionAuth's words (which screen, which endpoint, which field). */
export interface FusionAuthError {
  code: FusionAuthCode;
  message: string;
  fix: string;
  /** FusionAuth's own errors, one per field, when it refused a request (400). */
  fieldErrors?: FusionAuthFieldError[];
  /** The request at fault, e.g. `PUT /api/application`. */
  endpoint?: string;
}

/** What a FusionAuth text may name; each code reads the parts it needs. */
interface FusionAuthDetail {
  /** `GET /api/tenant` */
  endpoint?: string;
  method?: string;
  /** The endpoint's path as FusionAuth's API key screen lists it. */
  path?: string;
  host?: string;
  status?: number;
  seconds?: number;
  kib?: number;
  /** Free words: why it can't be reached, FusionAuth's field errors, the field that did not match. */
  what?: string;
  location?: string;
  tenantId?: string;
  /** `Default (uuid), Other (uuid)` */
  tenants?: string;
  tenantCount?: number;
  tenantName?: string;
  from?: string;
  to?: string;
  change?: string;
  email?: string;
  applicationId?: string;
  /** The client secret's file. */
  file?: string;
  /** What was changed in FusionAuth already. */
  done?: string;
}

const APP_OAUTH_SCREEN = 'Applications > your application > OAuth';

const FUSIONAUTH_TEXT: Record<FusionAuthCode, (d: FusionAuthDetail) => { message: string; fix: string }> = {
  FUSIONAUTH_API_KEY: (d) => ({
    message: `FusionAuth refused the API key (401 on ${d.endpoint}).`,
    fix: `Check the key under Settings > API Keys in FusionAuth (copy it again; it may have been deleted). If the key is restricted, allow ${d.method} on ${d.path}.`,
  }),
  FUSIONAUTH_API_PERMISSION: (d) => ({
    message: `The API key is not allowed to call ${d.endpoint} (401).`,
    fix: `In FusionAuth, Settings > API Keys > edit this key: allow ${d.method} on the endpoint ${d.path} (or remove the key's endpoint restrictions).`,
  }),
  FUSIONAUTH_TENANT_REQUIRED: (d) => ({
    message: `FusionAuth has ${d.tenantCount} tenants; choose the one your users sign in to: ${d.tenants}.`,
    fix: 'Give the tenant id (--tenant-id ID, or pick it in the window).',
  }),
  FUSIONAUTH_TENANT_NOT_FOUND: (d) => (d.tenantId
    ? { message: `FusionAuth has no tenant with id ${d.tenantId} (or the API key can't see it). Tenants: ${d.tenants || 'none'}.`, fix: "Pick one of the listed tenant ids (Tenants in FusionAuth's admin console)." }
    : { message: 'FusionAuth listed no tenants for this API key.', fix: 'Use an API key that is not locked to a missing tenant (Settings > API Keys).' }),
  FUSIONAUTH_ISSUER: (d) => ({
    message: `Tenant *${d.tenantName}*'s issuer is \`${d.from || '(empty)'}\`, not your FusionAuth URL \`${d.to}\`: OpenID Connect clients such as ngrok refuse its tokens. Porthole would ${d.change}.`,
    fix: `Allow Porthole to change it (--fix-issuer, or tick the box in the window), or set it yourself under Tenants > ${d.tenantName} > General > Issuer.`,
  }),
  FUSIONAUTH_USER_NOT_FOUND: (d) => ({
    message: `FusionAuth has no user with the email ${d.email} in this tenant.`,
    fix: `Create the user first (Users > Add in FusionAuth), or leave ${d.email} out.`,
  }),
  FUSIONAUTH_REFUSED: (d) => ({
    message: `FusionAuth refused ${d.endpoint}: ${d.what}`,
    fix: "Correct the field FusionAuth names (in Porthole's input, or in FusionAuth's admin console) and run the set-up again.",
  }),
  FUSIONAUTH_UNREACHABLE: (d) => ({
    message: `FusionAuth at ${d.host} can't be reached: ${d.what}.`,
    fix: `Check the FusionAuth URL (the address of your FusionAuth instance, e.g. https://acme.fusionauth.io) and that it is running${d.what?.includes('resolve') ? ', and that this machine is online (offline, no host name resolves)' : ''}.`,
  }),
  FUSIONAUTH_TIMEOUT: (d) => ({
    message: `FusionAuth at ${d.host} did not answer ${d.endpoint} within ${d.seconds} s.`,
    fix: 'Check that FusionAuth is running and reachable from this machine, then try again (or wait longer with --timeout SECONDS).',
  }),
  FUSIONAUTH_RESPONSE_TOO_LARGE: (d) => ({
    message: `FusionAuth's answer to ${d.endpoint} is larger than ${d.kib} KiB; Porthole stopped reading it.`,
    fix: 'Check that the URL points at FusionAuth itself (not a proxy or another site).',
  }),
  FUSIONAUTH_BAD_RESPONSE: (d) => (d.what
    ? { message: `FusionAuth's answer to ${d.endpoint} does not have the shape of FusionAuth's API: ${d.what}.`, fix: 'Check that the URL points at FusionAuth itself (not a proxy or another site), and that it is FusionAuth 1.69 or later.' }
    : { message: `The answer to ${d.endpoint} is not JSON (HTTP ${d.status}): this does not look like FusionAuth's API.`, fix: 'Give the base URL of your FusionAuth instance, e.g. https://acme.fusionauth.io (no path).' }),
  FUSIONAUTH_REDIRECT: (d) => ({
    message: `FusionAuth answered ${d.endpoint} with a redirect (HTTP ${d.status}${d.location ? ` to ${d.location}` : ''}); Porthole never follows a redirect with the API key.`,
    fix: "Give FusionAuth's final address as the URL (e.g. https:// rather than http://, or without a path).",
  }),
  FUSIONAUTH_FAILED: (d) => (d.applicationId
    ? { message: `FusionAuth returned no client secret for application ${d.applicationId}.`, fix: `Check ${APP_OAUTH_SCREEN} > Client Authentication is "Required", then run the set-up again.` }
    : d.status
      ? { message: `FusionAuth answered ${d.endpoint} with HTTP ${d.status}.`, fix: d.status >= 500 ? 'FusionAuth had an internal error: check its logs (System > Logs), then try again.' : 'Check the FusionAuth URL and your FusionAuth version (1.69 or later), then try again.' }
      : { message: 'The FusionAuth client failed unexpectedly.', fix: 'Try again; if it persists, report it.' }),
  FUSIONAUTH_PLAN_CHANGED: () => ({
    message: 'FusionAuth changed since the plan was shown, so the plan is different now; nothing was written.',
    fix: 'Review the new plan and apply it if it is what you want.',
  }),
  FUSIONAUTH_SECRET_FILE: (d) => ({
    message: `--client-secret-out: ${d.file} can't receive the client secret (${d.what}); nothing was changed in FusionAuth.`,
    fix: 'Give a path in a folder you can write to (a missing folder is made), one that is not a folder or a link, e.g. --client-secret-out ~/.config/porthole/fa-client-secret.',
  }),
  FUSIONAUTH_SECRET_NOT_WRITTEN: (d) => ({
    message: `FusionAuth was set up (${d.done || 'nothing had to change'}), but the client secret could not be written to ${d.file} (${d.what}).`,
    fix: `Run the same command again with a --client-secret-out PATH you can write to: it finds application ${d.applicationId} and changes nothing more. Or copy the Client secret from ${APP_OAUTH_SCREEN} into a file only you can read (mode 0600).`,
  }),
};

/** A FusionAuthError with the standard words of its code, filled in from `detail`. */
export function fusionAuthError(code: FusionAuthCode, detail: FusionAuthDetail = {}, extra: Pick<FusionAuthError, 'fieldErrors'> = {}): FusionAuthError {
  return { code, ...FUSIONAUTH_TEXT[code](detail), ...(detail.endpoint ? { endpoint: detail.endpoint } : {}), ...extra };
}

/** The one Result of an operation that fails as data: the value, or the error (a PortholeError unless said). */
export type Result<T, E = PortholeError> = { ok: true; value: T } | { ok: false; error: E };
