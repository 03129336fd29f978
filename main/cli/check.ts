// shell: `porthole check` — runs the FusionAuth preflight from the command line and prints the checklist.
// The client secret comes from a file or an environment variable, never from argv, and is never printed.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FusionAuthSettings, PreflightReport, RunPreflight } from '../types.js';
import { createPreflight } from '../oidc/preflight.js';

export interface CheckIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export const CHECK_USAGE = `Usage: porthole check --issuer URL --client-id ID (--client-secret-file PATH | --client-secret-env NAME)
                      [--allow-email EMAIL]... [--allow-domain DOMAIN]... [--scope SCOPE]... [--timeout SECONDS] [--json]

Checks a FusionAuth setup before a tunnel goes live: the issuer, discovery, grants, scopes,
the client id and secret, and the redirect URL to add. Exit 0: nothing failed; 1: a check failed;
2: bad arguments.`;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;
const SCOPE_RE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

class UsageError extends Error {}

/** Parses argv into the preflight's input; throws UsageError naming the flag. */
async function parse(argv: string[], env: NodeJS.ProcessEnv): Promise<{ input: FusionAuthSettings; json: boolean; timeoutMs?: number }> {
  // A secret must never sit in argv (shell history, `ps`): refuse it before anything else.
  if (argv.some((a) => a === '--client-secret' || a.startsWith('--client-secret='))) {
    throw new UsageError('--client-secret is not accepted (a secret in argv leaks into shell history and ps); use --client-secret-file PATH or --client-secret-env NAME');
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        issuer: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret-file': { type: 'string' },
        'client-secret-env': { type: 'string' },
        'allow-email': { type: 'string', multiple: true },
        'allow-domain': { type: 'string', multiple: true },
        scope: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // node's message names the flag ("Unknown option '--x'", "Option '--issuer <value>' argument missing").
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  if (!values.issuer) throw new UsageError('--issuer is required (your FusionAuth URL, e.g. https://auth.example.com)');
  if (!values['client-id']?.trim()) throw new UsageError('--client-id is required (Applications > Your App > OAuth > Client Id)');
  const file = values['client-secret-file'];
  const envName = values['client-secret-env'];
  if (file !== undefined && envName !== undefined) throw new UsageError('--client-secret-file and --client-secret-env: give only one');
  if (file === undefined && envName === undefined) throw new UsageError('--client-secret-file or --client-secret-env is required');
  let secret: string;
  if (file !== undefined) {
    try {
      secret = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`--client-secret-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!secret) throw new UsageError(`--client-secret-file: ${file} is empty`);
  } else {
    if (!ENV_NAME_RE.test(envName!)) throw new UsageError(`--client-secret-env: "${envName}" is not an environment variable name`);
    secret = (env[envName!] ?? '').trim();
    if (!secret) throw new UsageError(`--client-secret-env: the environment variable ${envName} is not set or empty`);
  }
  const emails = values['allow-email'] ?? [];
  for (const e of emails) if (!EMAIL_RE.test(e)) throw new UsageError(`--allow-email: "${e}" is not an email address`);
  const domains = (values['allow-domain'] ?? []).map((d) => d.replace(/^@/, ''));
  for (const d of domains) if (!DOMAIN_RE.test(d)) throw new UsageError(`--allow-domain: "${d}" is not an email domain such as example.com`);
  const scopes = values.scope ?? [];
  for (const s of scopes) if (!SCOPE_RE.test(s)) throw new UsageError(`--scope: "${s}" is not a scope name`);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!Number.isFinite(t) || t <= 0 || t > 120) throw new UsageError('--timeout: give seconds between 0 and 120');
    timeoutMs = t * 1000;
  }
  return {
    input: { issuer: values.issuer, clientId: values['client-id'].trim(), clientSecret: secret, allowEmails: emails, allowDomains: domains, scopes },
    json: values.json ?? false,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** The checklist for people: one line per check, its fix indented under it. */
export function formatReport(report: PreflightReport, issuer: string): string {
  const lines = [`FusionAuth check for ${issuer}`, ''];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.id}: ${c.message}`);
    if (c.fix && c.status !== 'pass') lines.push(`    fix: ${c.fix}`);
    else if (c.fix && c.id === 'redirect-uri') lines.push(`    ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push('', failed ? `${failed} check${failed > 1 ? 's' : ''} failed.` : `All checks passed${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}.`);
  return `${lines.join('\n')}\n`;
}

/** `porthole check …`: 0 when nothing failed, 1 when a check failed, 2 for bad arguments. */
export async function checkCommand(argv: string[], io: CheckIo, preflight?: RunPreflight): Promise<number> {
  let parsed;
  try {
    parsed = await parse(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (!err.message) {
      io.stdout(`${CHECK_USAGE}\n`); // --help
      return 0;
    }
    io.stderr(`porthole check: ${err.message}\n\n${CHECK_USAGE}\n`);
    return 2;
  }
  const run = preflight ?? createPreflight(parsed.timeoutMs !== undefined ? { timeoutMs: parsed.timeoutMs } : {});
  const report = await run(parsed.input);
  if (parsed.json) {
    io.stdout(`${JSON.stringify({ ok: report.ok, checks: report.checks.map((c) => ({ id: c.id, status: c.status, message: c.message, ...(c.fix ? { fix: c.fix } : {}) })) })}\n`);
  } else {
    io.stdout(formatReport(report, parsed.input.issuer));
  }
  return report.ok ? 0 : 1;
}
