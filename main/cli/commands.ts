// pure: every `porthole` command as data — its flags (type, value name, what it does), its usage
// line and its help text. The one parser (parse.ts) and every help screen read this table, so a flag
// is declared once. Imports nothing: `share`'s thin first process loads it (see launch.ts).

/** One flag: node's parseArgs fields plus the words its help line and "needs a value" use. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value's name in help (`--issuer URL`). */
  value?: string;
  /** An example value, for "--x needs a value (e.g. --x …)". */
  example?: string;
  help: string;
}

export interface CommandSpec {
  /** As typed: `share`, `fusionauth setup`. */
  name: string;
  /** One line for `porthole --help`. */
  summary: string;
  /** What follows `porthole <name>` in the usage line. */
  synopsis: string;
  /** What the command does, and its exit codes. */
  about: string;
  /** The positional argument, when the command takes one. */
  positional?: { name: string; help: string };
  flags: Record<string, FlagSpec>;
  /** Paragraphs after the flags. */
  notes?: string;
}

const HELP = { help: { type: 'boolean', short: 'h', help: 'this help' } } as const satisfies Record<string, FlagSpec>;
const JSON_FLAG = (help: string) => ({ json: { type: 'boolean', help } }) as const satisfies Record<string, FlagSpec>;

const FUSIONAUTH_FLAGS = {
  issuer: { type: 'string', value: 'URL', example: 'https://auth.example.com', help: 'FusionAuth tenant issuer, e.g. https://auth.example.com' },
  'client-id': { type: 'string', value: 'ID', example: 'CLIENT_ID', help: "FusionAuth application's Client Id" },
  'client-secret-file': { type: 'string', value: 'PATH', example: 'PATH', help: 'file holding the Client secret (at most 64 KB)' },
  'client-secret-env': { type: 'string', value: 'NAME', example: 'NAME', help: 'environment variable holding the Client secret (its name, not the secret)' },
  'allow-email': { type: 'string', multiple: true, value: 'EMAIL', example: 'alice@example.com', help: 'let this user in (repeatable)' },
  'allow-domain': { type: 'string', multiple: true, value: 'DOMAIN', example: 'example.com', help: 'let users of this email domain in (repeatable)' },
  scope: { type: 'string', multiple: true, value: 'SCOPE', example: 'profile', help: 'extra scope to request (repeatable)' },
} as const satisfies Record<string, FlagSpec>;

const TUNNEL_FLAGS = {
  name: { type: 'string', value: 'NAME', example: 'port-3000', help: 'tunnel name (default: derived from the target, 3000 → port-3000)' },
  mode: { type: 'string', value: 'MODE', example: 'oidc', help: 'oidc (default) | oidc-legacy | internal | public' },
  domain: { type: 'string', value: 'HOST', example: 'demo.ngrok.app', help: 'a domain reserved in the ngrok dashboard (default: one ngrok assigns)' },
  ...FUSIONAUTH_FLAGS,
} as const satisfies Record<string, FlagSpec>;

const TARGET = { name: '<port|host:port>', help: 'the local app to share (e.g. 3000 or 127.0.0.1:8080)' };

/** The seconds a command waits for FusionAuth per request (check, fusionauth setup). */
export const TIMEOUT_RANGE = { min: 0, max: 120, defaultS: { check: 5, setup: 10 } } as const;
const timeoutFlag = (defaultS: number) =>
  ({ timeout: { type: 'string', value: 'SECONDS', example: '10', help: `how long to wait for FusionAuth per request: more than 0, at most ${TIMEOUT_RANGE.max} (default ${defaultS})` } }) as const satisfies Record<string, FlagSpec>;

const share = {
  name: 'share',
  summary: 'share a local app through ngrok with FusionAuth sign-in, until Ctrl-C',
  synopsis: '<port|host:port> [flags]',
  about: 'Shares a local app through an ngrok tunnel with FusionAuth sign-in in front of it, until Ctrl-C.',
  positional: TARGET,
  flags: {
    ...TUNNEL_FLAGS,
    'authtoken-env': { type: 'string', value: 'NAME', example: 'NGROK_AUTHTOKEN', help: 'environment variable holding the ngrok authtoken (default NGROK_AUTHTOKEN)' },
    'server-addr': { type: 'string', value: 'HOST:PORT', example: 'connect.example.com:443', help: 'custom ngrok agent ingress' },
    'ca-file': { type: 'string', value: 'PATH', example: 'PATH', help: 'CA certificate (PEM) of that ingress' },
    ...JSON_FLAG('one JSON object per line for every state change: {"tunnel","state","url","code","message","protection","local"}'),
    requests: { type: 'boolean', help: 'one line per completed request (with --json: {"tunnel","event":"request",…})' },
    for: { type: 'string', value: 'DURATION', example: '15m', help: 'stop sharing by itself after this long: 90s, 15m, 1h, 1h30m (at most 168h)' },
    'no-record': { type: 'boolean', help: 'no recording proxy: only the ngrok SDK between visitors and the app\n(no --requests lines then)' },
    'host-header': { type: 'string', value: 'HOW', example: 'rewrite', help: "Host header the app gets: as-sent (default, the tunnel's name) or rewrite\n(the app's own address), for dev servers that refuse other hosts (Vite, webpack)" },
    pool: { type: 'boolean', help: 'share the URL with other agents (ngrok endpoint pooling; needs --domain\nor --mode internal): visitors are spread over every agent in the pool' },
    'inspect-addr': { type: 'string', value: 'ADDR', example: '127.0.0.1:4041', help: "serve ngrok's agent API (inspect and replay requests) on this loopback\naddress (default 127.0.0.1:4040, or the next free port up to 4049)" },
    'no-inspect': { type: 'boolean', help: 'keep no request bodies and serve no agent API' },
    ...HELP,
  },
  notes: `Before and while sharing, Porthole checks that something listens on the local target and says
so when nothing does (with --json: "local":"listening"|"unreachable" on every online line).
Without --authtoken-env, the ngrok authtoken comes from NGROK_AUTHTOKEN, else from the ngrok
agent's config file (what \`ngrok config add-authtoken\` wrote).

Exit 0 after SIGINT/SIGTERM (or when stdout's reader goes away, or when the --for time ran out:
the last --json line is then {"state":"stopped",…,"message":"…the time ran out…"}), 1 when the
tunnel fails, 2 for bad arguments (with --json also one line {"state":"error","code","message"}).
The --for time is wall-clock time: a machine that sleeps through it stops the share when it wakes.
stdout holds only Porthole's lines (with --json, only JSON objects); the ngrok library's own
messages go to stderr. After the machine wakes from sleep, or on SIGUSR2 (e.g. from a
network-change hook), Porthole checks its ngrok connection at once and rebuilds it if it is dead.`,
} as const satisfies CommandSpec;

const policy = {
  name: 'policy',
  summary: 'print the ngrok Traffic Policy "share" would attach (YAML)',
  synopsis: '<port|host:port> [flags]',
  about: `Prints the Traffic Policy (YAML) that "porthole share" would attach with the same flags.
The client secret is not printed: the policy reads it from an ngrok vault (the YAML's header says
how to create it), so the output is safe to save and share, and the --client-secret-* flags are optional.`,
  positional: TARGET,
  flags: {
    ...TUNNEL_FLAGS,
    'inline-secret': { type: 'boolean', help: 'print the real client secret instead (keep that output private)' },
    ...HELP,
  },
  notes: `In the oidc-legacy mode "share" attaches no Traffic Policy: it passes the agent's oidc_* options,
and that is what is printed (YAML, with the equivalent ngrok command in its header).
In the internal mode the policy is for the Cloud Endpoint in front of the tunnel; without --issuer
it holds no sign-in step, and its header says the endpoint is then public.

Exit 0 on success, 2 for bad arguments.`,
} as const satisfies CommandSpec;

const check = {
  name: 'check',
  summary: 'check a FusionAuth setup before going live',
  synopsis: '--issuer URL --client-id ID (--client-secret-file PATH | --client-secret-env NAME) [flags]',
  about: `Checks a FusionAuth setup before a tunnel goes live: the issuer, discovery, grants, scopes,
the client id and secret, and the redirect URL to add. Exit 0: nothing failed; 1: a check failed;
2: bad arguments.`,
  flags: {
    ...FUSIONAUTH_FLAGS,
    'allow-email': { ...FUSIONAUTH_FLAGS['allow-email'], help: 'check as for a tunnel that lets this user in (repeatable; asks for the email scope)' },
    'allow-domain': { ...FUSIONAUTH_FLAGS['allow-domain'], help: 'the same for an email domain (repeatable)' },
    scope: { ...FUSIONAUTH_FLAGS.scope, help: 'extra scope the tunnel will request (repeatable)' },
    ...timeoutFlag(TIMEOUT_RANGE.defaultS.check),
    ...JSON_FLAG('one object: {"ok","checks":[{"id","status","message","fix"}]} (also on bad arguments: {"ok":false,"code","message"})'),
    ...HELP,
  },
} as const satisfies CommandSpec;

const fusionauthSetup = {
  name: 'fusionauth setup',
  summary: 'set FusionAuth up from an API key (application, grants, redirect URL, issuer)',
  synopsis: '--url URL --api-key-env NAME --client-secret-out PATH [flags]',
  about: `Creates or repairs the FusionAuth application ngrok signs users in with (redirect URL, grants),
fixes the tenant issuer with --fix-issuer, writes the client secret to PATH (mode 0600), then runs
the preflight. Nothing is changed in FusionAuth before PATH is known to be writable.
Exit 0: set up and every check passes; 1: FusionAuth refused or a check failed; 2: bad arguments.`,
  flags: {
    url: { type: 'string', value: 'URL', example: 'https://acme.fusionauth.io', help: 'your FusionAuth, e.g. https://acme.fusionauth.io (http only for this machine)' },
    'api-key-env': { type: 'string', value: 'NAME', example: 'FA_API_KEY', help: 'environment variable holding a FusionAuth API key (its name, not the key)' },
    'client-secret-out': { type: 'string', value: 'PATH', example: '~/.config/porthole/fa-client-secret', help: 'file the client secret is written to (mode 0600; a missing folder is made, mode 0700)' },
    'tenant-id': { type: 'string', value: 'ID', example: 'TENANT_ID', help: 'the tenant to use (needed when FusionAuth has several)' },
    'app-name': { type: 'string', value: 'NAME', example: 'Porthole', help: 'the application\'s name (default Porthole)' },
    'fix-issuer': { type: 'boolean', help: "allow changing the tenant's issuer to --url (every application of that tenant signs with it)" },
    'require-registration': { type: 'boolean', help: 'only users registered to the application may sign in' },
    register: { type: 'string', multiple: true, value: 'EMAIL', example: 'alice@example.com', help: 'register this existing user to the application (repeatable)' },
    'dry-run': { type: 'boolean', help: 'say what would change; change nothing and write nothing' },
    ...timeoutFlag(TIMEOUT_RANGE.defaultS.setup),
    ...JSON_FLAG('one object: {"ok","dryRun","issuer","clientId","applicationId","created","changes",\n"maybeApplied","secretWritten","next","checks"}, and on failure also "code","message","fix"'),
    ...HELP,
  },
} as const satisfies CommandSpec;

/** Every command, by the name typed after `porthole`. */
export const COMMANDS = { share, policy, check, 'fusionauth setup': fusionauthSetup } as const;
export type CommandName = keyof typeof COMMANDS;

/** What `porthole` accepts as its first word, for "did you mean". */
export const FIRST_WORDS = ['share', 'policy', 'check', 'fusionauth', 'help', 'version'];
