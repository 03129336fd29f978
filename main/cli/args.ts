// shell: argv → a TunnelSpec and a SessionSpec for `porthole share` / `porthole policy`.
// Secrets come from a file or an environment variable, never from argv. Every refusal names the flag.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { PortholeError, SessionSpec, TunnelSpec } from '../../common/types.js';
import { fieldFix, fieldLabel } from '../../common/fields.js';
import { parseSessionSpec, parseTunnelSpec } from '../tunnel/validate.js';

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

/** "--issuer: fusionauth.issuer must be …" lines, one per error; the flags come from common/fields.ts. */
export function usageLines(errors: PortholeError[]): string {
  return errors.map((e) => `${fieldLabel(e.field ?? '', 'cli')}: ${e.message}${e.fix ? ` (${e.fix})` : ''}`).join('\n');
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

/** The client secret from --client-secret-file or --client-secret-env; undefined when neither is given. */
export async function readSecret(values: { 'client-secret-file'?: string; 'client-secret-env'?: string }, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = values['client-secret-file'];
  const envName = values['client-secret-env'];
  if (file !== undefined && envName !== undefined) throw new UsageError('--client-secret-file and --client-secret-env: give only one');
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--client-secret-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const secret = text.trim();
    if (!secret) throw new UsageError(`--client-secret-file: ${file} is empty`);
    return secret;
  }
  if (envName !== undefined) {
    if (!ENV_NAME_RE.test(envName)) throw new UsageError(`--client-secret-env: "${envName}" is not an environment variable name`);
    const secret = (env[envName] ?? '').trim();
    if (!secret) throw new UsageError(`--client-secret-env: the environment variable ${envName} is not set or empty`);
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
}

type Values = Record<string, unknown>;

/** `secretFallback`: what stands for a secret not given (`porthole policy`'s vault reference). */
async function tunnelFrom(values: Values, positionals: string[], env: NodeJS.ProcessEnv, secretFallback?: string): Promise<TunnelSpec> {
  if (positionals.length === 0) throw new UsageError('<port|host:port> is required (the local app to share, e.g. 3000)');
  if (positionals.length > 1) throw new UsageError(`<port|host:port>: give one target, got ${positionals.length} (${positionals.join(' ')})`);
  const target = positionals[0]!;
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
  const input: Record<string, unknown> = { name: (values.name as string | undefined) ?? defaultName(target), target, mode };
  if (values.domain !== undefined) input.domain = values.domain;
  if (needsFa || anyFa) input.fusionauth = { issuer: issuer ?? '', clientId: clientId ?? '', clientSecret: secret ?? '', ...lists };
  const r = parseTunnelSpec(input);
  if (!r.ok) throw new UsageError(usageLines(r.errors));
  return r.value;
}

function parse(argv: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
  } catch (err) {
    // node's message names the flag ("Unknown option '--x'", "Option '--issuer <value>' argument missing").
    throw new UsageError((err as Error).message);
  }
}

/**
 * `porthole policy` arguments: the tunnel flags and --inline-secret. Returns null for --help.
 * Without --inline-secret a missing client secret stands as `vaultRef` (the policy reads it from ngrok's vault).
 */
export async function parsePolicyArgs(argv: string[], env: NodeJS.ProcessEnv, vaultRef: string): Promise<ParsedPolicyArgs | null> {
  refuseSecretInArgv(argv);
  const { values, positionals } = parse(argv, { ...TUNNEL_OPTIONS, 'inline-secret': { type: 'boolean' } });
  if (values.help) return null;
  const inlineSecret = (values['inline-secret'] as boolean | undefined) ?? false;
  // The vault form needs no secret; the inline form needs the real one.
  return { spec: await tunnelFrom(values, positionals, env, inlineSecret ? undefined : vaultRef), help: false, inlineSecret };
}

/** `porthole share` arguments: tunnel flags plus session flags. Returns null for --help. */
export async function parseShareArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<ParsedShareArgs | null> {
  refuseSecretInArgv(argv);
  const { values, positionals } = parse(argv, { ...TUNNEL_OPTIONS, ...SESSION_OPTIONS });
  if (values.help) return null;
  const spec = await tunnelFrom(values, positionals, env);
  const tokenEnv = (values['authtoken-env'] as string | undefined) ?? 'NGROK_AUTHTOKEN';
  if (!ENV_NAME_RE.test(tokenEnv)) throw new UsageError(`--authtoken-env: "${tokenEnv}" is not an environment variable name`);
  const authtoken = (env[tokenEnv] ?? '').trim();
  if (!authtoken) throw new UsageError(`--authtoken-env: the environment variable ${tokenEnv} is not set or empty (${fieldFix('authtoken')})`);
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
  if (!r.ok) throw new UsageError(usageLines(r.errors));
  return { spec, session: r.value, json: (values.json as boolean | undefined) ?? false, help: false };
}
