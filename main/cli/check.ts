// shell: `porthole check` — runs the FusionAuth preflight from the command line and prints the checklist.
// The client secret comes from a file or an environment variable, never from argv, and is never printed.
import { parseArgs } from 'node:util';
import type { ZodType } from 'zod';
import type { FusionAuthSettings, PreflightReport, PreflightStatus, RunPreflight } from '../../common/types.js';
import { asData } from '../../common/scrub.js';
import { fieldFix, fieldLabel } from '../../common/fields.js';
import { createPreflight } from '../oidc/preflight.js';
import { emailDomainSchema, emailSchema, scopeSchema } from '../tunnel/validate.js';
import { FUSIONAUTH_OPTIONS, readSecret, refuseSecretInArgv, UsageError } from './args.js';

export interface CheckIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export const CHECK_USAGE = `Usage: porthole check --issuer URL --client-id ID (--client-secret-file PATH | --client-secret-env NAME)
                      [--allow-email EMAIL]... [--allow-domain DOMAIN]... [--scope SCOPE]... [--timeout SECONDS] [--json]

Checks a FusionAuth setup before a tunnel goes live: the issuer, discovery, grants, scopes,
the client id and secret, and the redirect URL to add. Exit 0: nothing failed; 1: a check failed;
2: bad arguments.

Flags:
  --issuer URL                FusionAuth tenant issuer, e.g. https://auth.example.com
  --client-id ID              FusionAuth application's Client Id
  --client-secret-file PATH   file holding the Client secret (at most 64 KB)
  --client-secret-env NAME    environment variable holding the Client secret (its name, not the secret)
  --allow-email EMAIL         check as for a tunnel that lets this user in (repeatable; asks for the email scope)
  --allow-domain DOMAIN       the same for an email domain (repeatable)
  --scope SCOPE               extra scope the tunnel will request (repeatable)
  --timeout SECONDS           how long to wait for FusionAuth per request: more than 0, at most 120 (default 5)
  --json                      one object: {"ok","checks":[{"id","status","message","fix"}]}`;

/** One mark per status, for every checklist printed for people. */
export const CHECK_MARK: Record<PreflightStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-', manual: '☐' };

/** Parses argv into the preflight's input; throws UsageError naming the flag. */
async function parse(argv: string[], env: NodeJS.ProcessEnv): Promise<{ input: FusionAuthSettings; json: boolean; timeoutMs?: number }> {
  refuseSecretInArgv(argv);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { ...FUSIONAUTH_OPTIONS, timeout: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (err) {
    // node's message names the flag ("Unknown option '--x'", "Option '--issuer <value>' argument missing").
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  if (!values.issuer) throw new UsageError(`${fieldLabel('fusionauth.issuer', 'cli')} is required (your FusionAuth URL, e.g. https://auth.example.com)`);
  if (!values['client-id']?.trim()) throw new UsageError(`${fieldLabel('fusionauth.clientId', 'cli')} is required (${fieldFix('fusionauth.clientId')})`);
  const secret = await readSecret(values, env);
  if (secret === undefined) throw new UsageError('--client-secret-file or --client-secret-env is required');
  // The same validators as the app and `share`; the issuer is left to the preflight's own check.
  const each = (flag: string, schema: ZodType<string>, list: string[] = []): string[] =>
    list.map((v) => {
      const r = schema.safeParse(v);
      if (!r.success) throw new UsageError(`${flag}: "${v}" ${r.error.issues[0]?.message ?? 'is not valid'}`);
      return r.data;
    });
  const emails = each(fieldLabel('fusionauth.allowEmails', 'cli'), emailSchema, values['allow-email']);
  const domains = each(fieldLabel('fusionauth.allowDomains', 'cli'), emailDomainSchema, values['allow-domain']);
  const scopes = each(fieldLabel('fusionauth.scopes', 'cli'), scopeSchema, values.scope);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!Number.isFinite(t) || t <= 0 || t > 120) throw new UsageError(`--timeout "${values.timeout}": give a number of seconds above 0 and at most 120 (e.g. --timeout 10)`);
    timeoutMs = t * 1000;
  }
  return {
    input: { issuer: values.issuer, clientId: values['client-id'].trim(), clientSecret: secret, allowEmails: emails, allowDomains: domains, scopes },
    json: values.json ?? false,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** "1 failed, 5 not checked, 1 to do by hand": each status counted once, in the order that matters. */
export function summaryLine(report: PreflightReport): string {
  const n = (st: PreflightStatus) => report.checks.filter((c) => c.status === st).length;
  const parts = [
    n('fail') ? `${n('fail')} failed` : '',
    n('skip') ? `${n('skip')} not checked` : '',
    n('warn') ? `${n('warn')} warning${n('warn') > 1 ? 's' : ''}` : '',
    n('manual') ? `${n('manual')} to do by hand` : '',
  ].filter(Boolean);
  const head = n('fail') ? '' : `All ${n('pass')} checkable checks passed${parts.length ? '; ' : ''}`;
  return `${head}${parts.join(', ')}.`;
}

/**
 * The checklist for people: one line per check, its fix indented under it. Messages quote the
 * provider's own text (its issuer, its error description), so every line is printed as data:
 * escape sequences and line breaks shown escaped, never able to forge a line or clear the screen.
 */
export function formatReport(report: PreflightReport, issuer: string): string {
  const line = (t: string) => asData(t, 1000);
  const lines = [line(`FusionAuth check for ${issuer}`), ''];
  for (const c of report.checks) {
    lines.push(`${CHECK_MARK[c.status]} ${c.id}: ${line(c.message)}`);
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`    fix: ${line(c.fix)}`);
    else if (c.fix && c.status === 'manual') lines.push(`    ${line(c.fix)}`);
  }
  lines.push('', summaryLine(report));
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
