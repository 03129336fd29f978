// shell: argv → a TunnelSpec and a SessionSpec for `porthole share` / `porthole policy`.
// Secrets come from a file or an environment variable, never from argv. Every refusal names the flag.
import { open, readFile } from 'node:fs/promises';
import type { PortholeError, SessionSpec, TunnelSpec } from '../../common/types.js';
import { parseSessionSpec, parseTunnelSpec } from '../tunnel/validate.js';
import { parseDuration } from '../core/share-timer.js';
import { findAuthtoken } from './authtoken.js';
import { parseCommand, UsageError, type Parsed } from './parse.js';
import { cliErrorLine } from './words.js';
import { asData } from '../../common/scrub.js';
import { parseInspectAddr } from '../visits/inspect-addr.js';

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--allow-email "x": not an email address (…)` lines, one per error, for the validated `input`. */
function usageLines(errors: PortholeError[], input: unknown): string {
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

/**
 * A value that looks like a secret rather than a name or a path: long, and mixing letters and
 * digits with no path separator (the usual mistake: `--client-secret-env "$FA_CLIENT_SECRET"`).
 */
function looksLikeSecret(value: string): boolean {
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

interface ParsedTunnelArgs {
  spec: TunnelSpec;
  help: false;
}
interface ParsedPolicyArgs extends ParsedTunnelArgs {
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

/**
 * The tunnel from the parsed flags. Validation problems come back as lines (`problems`), not thrown,
 * so `share` can list them together with a missing authtoken; anything else is thrown at once.
 * `secretFallback`: what stands for a secret not given (`porthole policy`'s vault reference).
 */
async function tunnelFrom(values: Values, positionals: string[], env: NodeJS.ProcessEnv, secretFallback?: string): Promise<{ spec: TunnelSpec } | { problems: string }> {
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
  // The share-only choices travel into the one parse, never added back after it.
  const share = values as { pool?: boolean; 'no-record'?: boolean; 'host-header'?: string };
  if (share.pool) input.pool = true;
  if (share['no-record']) input.record = false;
  if (share['host-header'] === 'rewrite') input.hostHeader = 'rewrite';
  if (needsFa || anyFa) input.fusionauth = { issuer: issuer ?? '', clientId: clientId ?? '', clientSecret: secret ?? '', ...lists };
  const r = parseTunnelSpec(input);
  return r.ok ? { spec: r.value } : { problems: usageLines(r.errors, input) };
}

/**
 * `porthole policy` arguments from the parsed flags. Without --inline-secret a missing client
 * secret stands as `vaultRef` (the policy reads it from ngrok's vault).
 */
export async function policyArgsFrom({ values, positionals }: Parsed<'policy'>, env: NodeJS.ProcessEnv, vaultRef: string): Promise<ParsedPolicyArgs> {
  const inlineSecret = values['inline-secret'] ?? false;
  // The vault form needs no secret; the inline form needs the real one.
  const t = await tunnelFrom(values, positionals, env, inlineSecret ? undefined : vaultRef);
  if ('problems' in t) throw new UsageError(t.problems);
  return { spec: t.spec, help: false, inlineSecret };
}

/** `porthole share` arguments from argv (the one parser, then the checks below). */
export async function parseShareArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<ParsedShareArgs> {
  return shareArgsFrom(parseCommand('share', argv), env);
}

/**
 * `porthole share` arguments from the parsed flags: the tunnel, then the session. Every missing or
 * invalid input of the tunnel and the missing authtoken are refused together, so a first run with
 * nothing configured learns everything it needs at once.
 */
export async function shareArgsFrom({ values, positionals }: Parsed<'share'>, env: NodeJS.ProcessEnv): Promise<ParsedShareArgs> {
  // Checked before the tunnel flags: a typo in --for must not wait behind an authtoken lookup.
  const forMs = forMsFrom(values.for);
  if (values.requests && values['no-record']) throw new UsageError('--requests and --no-record conflict: without the recording proxy no request is seen\n  fix: drop one of them');
  const hostHeader = values['host-header'];
  if (hostHeader !== undefined && hostHeader !== 'as-sent' && hostHeader !== 'rewrite') {
    throw new UsageError(`--host-header ${JSON.stringify(asData(hostHeader, 40))}: must be as-sent or rewrite\n  fix: --host-header rewrite gives the app its own address as Host (for Vite's or webpack's host check)`);
  }
  const inspectAddr = values['inspect-addr'];
  if (inspectAddr !== undefined && !parseInspectAddr(inspectAddr)) {
    throw new UsageError(`--inspect-addr ${JSON.stringify(asData(inspectAddr, 60))}: not a loopback address and port\n  fix: e.g. --inspect-addr 127.0.0.1:4041 (the agent API is served on this machine only)`);
  }
  const off = values['no-inspect'] ? '--no-inspect' : values['no-record'] ? '--no-record' : undefined;
  if (inspectAddr !== undefined && off) throw new UsageError(`--inspect-addr and ${off} conflict: without ${off === '--no-inspect' ? 'inspection' : 'the recording proxy'} there is nothing to serve\n  fix: drop one of them`);
  const inspect: ParsedShareArgs['inspect'] = off ? false : inspectAddr ? { addr: inspectAddr } : {};
  const tunnel = await tunnelFrom(values, positionals, env);
  const tokenEnv = values['authtoken-env'] ?? 'NGROK_AUTHTOKEN';
  envNameFrom('--authtoken-env', tokenEnv, env, 'NGROK_AUTHTOKEN');
  // Without --authtoken-env, the ngrok agent's own places too (its config file), like the window's import.
  const token = await findAuthtoken(values['authtoken-env'] === undefined ? undefined : tokenEnv, env);
  const problems = [...('problems' in tunnel ? [tunnel.problems] : []), ...(token.ok ? [] : [token.message])];
  if (problems.length || !token.ok || 'problems' in tunnel) throw new UsageError(problems.join('\n'));
  const spec = tunnel.spec;
  const session: Record<string, unknown> = { authtoken: token.authtoken };
  if (values['server-addr'] !== undefined) session.serverAddr = values['server-addr'];
  const caFile = values['ca-file'];
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
  return { spec, session: r.value, json: values.json ?? false, requests: values.requests ?? false, ...(forMs === undefined ? {} : { forMs }), inspect, help: false };
}
