// shell: argv → a TunnelSpec and a SessionSpec for `porthole share` / `porthole policy`.
// Secrets come from a file or an environment variable, never from argv. Every refusal names the flag.
import { open, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { PortholeError, SessionSpec, TunnelSpec } from '../../common/types.js';
import { parseSessionSpec, parseTunnelSpec } from '../tunnel/validate.js';
import { parseDuration } from '../visits/share-timer.js';
import { findAuthtoken } from './authtoken.js';
import { cliErrorLine, parseErrorMessage } from './words.js';
import { asData } from '../../common/scrub.js';
import { parseInspectAddr } from '../visits/inspect-addr.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A bad argument: exit code 2, the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const TUNNEL_FLAGS_USAGE = `  <port|host:port>            the local app to share (e.g. 3000 or 127.0.0.1:8080)
  --name NAME                 tunnel name (default: derived from the target)
  --mode MODE                 oidc (default) | oidc-legacy | internal | public
  --domain HOST               a domain reserved in the ngrok dashboard (default: one ngrok assigns)
  --issuer URL                FusionAuth tenant issuer, e.g. https://auth.example.com
  --client-id ID              FusionAuth application's Client Id
  --client-secret-file PATH   file holding the Client secret
  --client-secret-env NAME    environment variable holding the Client secret
  --allow-email EMAIL         let this user in (repeatable)
  --allow-domain DOMAIN       let users of this email domain in (repeatable)
  --scope SCOPE               extra scope to request (repeatable)`;

export const SESSION_FLAGS_USAGE = `  --authtoken-env NAME        environment variable holding the ngrok authtoken (default NGROK_AUTHTOKEN)
  --server-addr HOST:PORT     custom ngrok agent ingress
  --ca-file PATH              CA certificate (PEM) of that ingress
  --json                      one JSON object per line for every state change`;

export const SHARE_FLAGS_USAGE = `  --requests                  one line per completed request (with --json: {"tunnel","event":"request",…})
  --for DURATION              stop sharing by itself after this long: 90s, 15m, 1h, 1h30m (at most 168h)
  --no-record                 no recording proxy: only the ngrok SDK between visitors and the app
                              (no --requests lines then)
  --host-header as-sent|rewrite
                              Host header the app gets: the tunnel's name (default), or the app's own
                              address, for dev servers that refuse other hosts (Vite, webpack, Angular)
  --inspect-addr ADDR         serve ngrok's agent API (inspect and replay requests) on this loopback
                              address (default 127.0.0.1:4040, or the next free port up to 4049)
  --no-inspect                keep no request bodies and serve no agent API
  --pool                      share the URL with other agents (ngrok endpoint pooling; needs --domain
                              or --mode internal): visitors are spread over every agent in the pool`;

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The FusionAuth flags, shared by share, policy and check. */
export const FUSIONAUTH_OPTIONS = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-file': { type: 'string' },
  'client-secret-env': { type: 'string' },
  'allow-email': { type: 'string', multiple: true },
  'allow-domain': { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

const TUNNEL_OPTIONS = {
  name: { type: 'string' },
  mode: { type: 'string' },
  domain: { type: 'string' },
  ...FUSIONAUTH_OPTIONS,
} as const;

const SESSION_OPTIONS = {
  'authtoken-env': { type: 'string' },
  'server-addr': { type: 'string' },
  'ca-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const SHARE_ONLY_OPTIONS = {
  requests: { type: 'boolean' },
  for: { type: 'string' },
  'no-record': { type: 'boolean' },
  'host-header': { type: 'string' },
  'inspect-addr': { type: 'string' },
  'no-inspect': { type: 'boolean' },
  pool: { type: 'boolean' },
} as const;

/** `--allow-email "x": not an email address (…)` lines, one per error, for the validated `input`. */
export function usageLines(errors: PortholeError[], input: unknown): string {
  return errors.map((e) => cliErrorLine(e, input)).join('\n');
}

/** `http://localhost:3000` (as copied from a browser) → `localhost:3000`; the agent speaks http to the app. */
function targetOf(arg: string): string {
  const m = /^http:\/\/([^/?#]+)\/?$/i.exec(arg);
  if (!m) {
    if (/^https:\/\//i.test(arg)) throw new UsageError(`<port|host:port> ${JSON.stringify(arg)}: Porthole forwards plain http to the local app; give host:port (e.g. ${arg.replace(/^https:\/\//i, '').replace(/\/.*$/, '')})`);
    return arg;
  }
  const host = m[1]!;
  return /:\d+$/.test(host) ? host : `${host}:80`;
}

/** A default tunnel name from the target: 3000 → port-3000, 127.0.0.1:8080 → 127-0-0-1-8080. */
export function defaultName(target: string): string {
  if (/^\d+$/.test(target)) return `port-${target}`;
  const n = target.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return n || 'tunnel';
}

/** Refuses a secret given in argv (shell history, `ps`) before anything else is read. */
export function refuseSecretInArgv(argv: string[]) {
  // A secret must never sit in argv (shell history, `ps`): refuse it before anything else.
  for (const a of argv) {
    if (a === '--client-secret' || a.startsWith('--client-secret=')) throw new UsageError('--client-secret is not accepted (a secret in argv leaks into shell history and ps); use --client-secret-file PATH or --client-secret-env NAME');
    if (a === '--authtoken' || a.startsWith('--authtoken=')) throw new UsageError('--authtoken is not accepted (a secret in argv leaks into shell history and ps); use --authtoken-env NAME');
  }
}

/**
 * A value that looks like a secret rather than a name or a path: long, and mixing letters and
 * digits with no path separator (the usual mistake: `--client-secret-env "$FA_CLIENT_SECRET"`).
 */
export function looksLikeSecret(value: string): boolean {
  if (value.length < 16) return false;
  // Names are conventionally upper case (FA_CLIENT_SECRET_2024): lower case is what tells a token apart.
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return (/[a-z]/.test(value) && classes >= 3) || (value.length >= 32 && new Set(value).size >= 16);
}

const SECRET_HINT = 'the value given looks like a secret itself: give where the secret is, never the secret';

/**
 * An environment variable NAME for `flag`; the error names the flag and the rule and never echoes a
 * value that may be the secret itself. A set variable is accepted whatever it looks like.
 */
export function envNameFrom(flag: string, name: string, env: NodeJS.ProcessEnv, example: string): string {
  const rule = `${flag} takes the NAME of an environment variable (letters, digits and _, e.g. ${flag} ${example})`;
  if (!ENV_NAME_RE.test(name)) throw new UsageError(`${rule}; ${looksLikeSecret(name) ? SECRET_HINT : 'the value given is not such a name'} (not shown)`);
  if (env[name] === undefined && looksLikeSecret(name)) throw new UsageError(`${rule}; no such variable is set, and ${SECRET_HINT} (not shown)`);
  return name;
}

/** Largest secret file read: a client secret is one short line. */
const MAX_SECRET_FILE = 64 * 1024;

/** The secret file's text, read with a cap (`/dev/zero`, a log file): the error names the flag, never a secret-like path. */
async function readSecretFile(file: string): Promise<string> {
  const flag = '--client-secret-file';
  // A real path starts with / . or ~, or has few kinds of characters; a pasted secret has neither.
  const shown = looksLikeSecret(file) && !/^[./~]/.test(file) ? `the path given (not shown: ${SECRET_HINT})` : file;
  let text: string;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_SECRET_FILE + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead > MAX_SECRET_FILE) throw new UsageError(`${flag}: ${shown} is larger than ${MAX_SECRET_FILE / 1024} KB; it should hold only the client secret, one line (is it the right file?)`);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code ?? 'error';
    throw new UsageError(`${flag}: cannot read ${shown} (${why}); ${flag} takes the path of a file holding the client secret`);
  }
  if (text.includes('\0')) throw new UsageError(`${flag}: ${shown} holds binary data, not a client secret (is it the right file?)`);
  return text;
}

/** The client secret from --client-secret-file or --client-secret-env; undefined when neither is given. */
export async function readSecret(values: { 'client-secret-file'?: string; 'client-secret-env'?: string }, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = values['client-secret-file'];
  const envName = values['client-secret-env'];
  if (file !== undefined && envName !== undefined) throw new UsageError('--client-secret-file and --client-secret-env: give only one');
  if (file !== undefined) {
    const secret = (await readSecretFile(file)).trim();
    if (!secret) throw new UsageError(`--client-secret-file: the file ${looksLikeSecret(file) && !/^[./~]/.test(file) ? 'given' : file} is empty`);
    return secret;
  }
  if (envName !== undefined) {
    const name = envNameFrom('--client-secret-env', envName, env, 'FA_CLIENT_SECRET');
    const secret = (env[name] ?? '').trim();
    if (!secret) throw new UsageError(`--client-secret-env: the environment variable ${name} is not set or empty`);
    return secret;
  }
  return undefined;
}

export interface ParsedTunnelArgs {
  spec: TunnelSpec;
  help: false;
}
export interface ParsedPolicyArgs extends ParsedTunnelArgs {
  /** --inline-secret: print the real client secret instead of the vault reference. */
  inlineSecret: boolean;
}
export interface ParsedShareArgs extends ParsedTunnelArgs {
  session: SessionSpec;
  json: boolean;
  /** --requests: a line per completed request. */
  requests: boolean;
  /** --for: stop by itself after this many ms of wall-clock time; undefined: until stopped. */
  forMs?: number;
  /** The inspector and ngrok's agent API on loopback: false with --no-inspect or --no-record; `addr` from --inspect-addr. */
  inspect: false | { addr?: string };
}

/** --for's value in ms; a refusal names the flag and quotes the value. */
function forMsFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const r = parseDuration(text, '--for');
  if (r.ok) return r.value;
  const e = r.errors[0]!;
  throw new UsageError(`--for ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ''}`);
}

type Values = Record<string, unknown>;

/** `secretFallback`: what stands for a secret not given (`porthole policy`'s vault reference). */
async function tunnelFrom(values: Values, positionals: string[], env: NodeJS.ProcessEnv, secretFallback?: string): Promise<TunnelSpec> {
  if (positionals.length === 0) throw new UsageError('<port|host:port> is required (the local app to share, e.g. 3000)');
  if (positionals.length > 1) throw new UsageError(`<port|host:port>: give one target, got ${positionals.length} (${positionals.join(' ')})`);
  const target = targetOf(positionals[0]!);
  const mode = (values.mode as string | undefined) ?? 'oidc';
  const secret = (await readSecret(values as { 'client-secret-file'?: string; 'client-secret-env'?: string }, env)) ?? secretFallback;
  const issuer = values.issuer as string | undefined;
  const clientId = values['client-id'] as string | undefined;
  const lists = {
    allowEmails: (values['allow-email'] as string[] | undefined) ?? [],
    allowDomains: (values['allow-domain'] as string[] | undefined) ?? [],
    scopes: (values.scope as string[] | undefined) ?? [],
  };
  const anyFa = issuer !== undefined || clientId !== undefined || secret !== undefined || lists.allowEmails.length + lists.allowDomains.length + lists.scopes.length > 0;
  const needsFa = mode === 'oidc' || mode === 'oidc-legacy';
  if (mode === 'public' || mode === 'internal') {
    // Nothing would enforce them: say so rather than open the app to everyone.
    const given = (['allow-email', 'allow-domain'] as const).filter((f) => (values[f] as string[] | undefined)?.length);
    if (given.length)
      throw new UsageError(`--mode ${mode} and ${given.map((f) => `--${f}`).join(' and ')} conflict: ${mode === 'public' ? 'a public tunnel signs nobody in, so no allow-list can apply' : 'an internal endpoint\'s sign-in lives in its Cloud Endpoint\'s policy, not here'}\n  fix: drop --mode ${mode} (oidc signs people in and applies the allow-list), or drop ${given.map((f) => `--${f}`).join(' and ')}`);
  }
  const input: Record<string, unknown> = { name: (values.name as string | undefined) ?? defaultName(target), target, mode };
  if (values.domain !== undefined) input.domain = values.domain;
  if (values.pool) input.pool = true;
  if (needsFa || anyFa) input.fusionauth = { issuer: issuer ?? '', clientId: clientId ?? '', clientSecret: secret ?? '', ...lists };
  const r = parseTunnelSpec(input);
  if (!r.ok) throw new UsageError(usageLines(r.errors, input));
  return r.value;
}

function parse(argv: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>, command: string) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err, argv, options, command));
  }
}

/**
 * `porthole policy` arguments: the tunnel flags and --inline-secret. Returns null for --help.
 * Without --inline-secret a missing client secret stands as `vaultRef` (the policy reads it from ngrok's vault).
 */
export async function parsePolicyArgs(argv: string[], env: NodeJS.ProcessEnv, vaultRef: string): Promise<ParsedPolicyArgs | null> {
  refuseSecretInArgv(argv);
  const { values, positionals } = parse(argv, { ...TUNNEL_OPTIONS, 'inline-secret': { type: 'boolean' } }, 'policy');
  if (values.help) return null;
  const inlineSecret = (values['inline-secret'] as boolean | undefined) ?? false;
  // The vault form needs no secret; the inline form needs the real one.
  return { spec: await tunnelFrom(values, positionals, env, inlineSecret ? undefined : vaultRef), help: false, inlineSecret };
}

/** `porthole share` arguments: tunnel flags plus session flags. Returns null for --help. */
export async function parseShareArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<ParsedShareArgs | null> {
  refuseSecretInArgv(argv);
  const { values, positionals } = parse(argv, { ...TUNNEL_OPTIONS, ...SESSION_OPTIONS, ...SHARE_ONLY_OPTIONS }, 'share');
  if (values.help) return null;
  // Checked before the tunnel flags: a typo in --for must not wait behind an authtoken lookup.
  const forMs = forMsFrom(values.for as string | undefined);
  const spec = await tunnelFrom(values, positionals, env);
  if (values['no-record']) spec.record = false;
  const hostHeader = values['host-header'] as string | undefined;
  if (hostHeader !== undefined && hostHeader !== 'as-sent' && hostHeader !== 'rewrite') {
    throw new UsageError(`--host-header ${JSON.stringify(asData(hostHeader, 40))}: must be as-sent or rewrite\n  fix: --host-header rewrite gives the app its own address as Host (for Vite's or webpack's host check)`);
  }
  if (hostHeader === 'rewrite') spec.hostHeader = 'rewrite';
  const inspectAddr = values['inspect-addr'] as string | undefined;
  if (inspectAddr !== undefined && !parseInspectAddr(inspectAddr)) {
    throw new UsageError(`--inspect-addr ${JSON.stringify(asData(inspectAddr, 60))}: not a loopback address and port\n  fix: e.g. --inspect-addr 127.0.0.1:4041 (the agent API is served on this machine only)`);
  }
  if (inspectAddr !== undefined && (values['no-inspect'] || values['no-record'])) throw new UsageError(`--inspect-addr and ${values['no-inspect'] ? '--no-inspect' : '--no-record'} conflict: without ${values['no-inspect'] ? 'inspection' : 'the recording proxy'} there is nothing to serve\n  fix: drop one of them`);
  const inspect: ParsedShareArgs['inspect'] = values['no-inspect'] || values['no-record'] ? false : inspectAddr ? { addr: inspectAddr } : {};
  if (values.requests && values['no-record']) throw new UsageError('--requests and --no-record conflict: without the recording proxy no request is seen\n  fix: drop one of them');
  const tokenEnv = (values['authtoken-env'] as string | undefined) ?? 'NGROK_AUTHTOKEN';
  envNameFrom('--authtoken-env', tokenEnv, env, 'NGROK_AUTHTOKEN');
  // Without --authtoken-env, the ngrok agent's own places too (its config file), like the window's import.
  const token = await findAuthtoken(values['authtoken-env'] === undefined ? undefined : tokenEnv, env);
  if (!token.ok) throw new UsageError(token.message);
  const authtoken = token.authtoken;
  const session: Record<string, unknown> = { authtoken };
  if (values['server-addr'] !== undefined) session.serverAddr = values['server-addr'];
  const caFile = values['ca-file'] as string | undefined;
  if (caFile !== undefined) {
    try {
      session.caPem = await readFile(caFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--ca-file: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!String(session.caPem).includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file: ${caFile} holds no PEM certificate`);
  }
  const r = parseSessionSpec(session);
  if (!r.ok) throw new UsageError(usageLines(r.errors, session));
  return { spec, session: r.value, json: (values.json as boolean | undefined) ?? false, requests: (values.requests as boolean | undefined) ?? false, ...(forMs === undefined ? {} : { forMs }), inspect, help: false };
}
