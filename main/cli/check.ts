// shell: `porthole check` — runs the FusionAuth preflight from the command line and prints the checklist.
// The client secret comes from a file or an environment variable, never from argv, and is never printed.
import type { ZodType } from 'zod';
import type { FusionAuthSettings, PreflightReport, PreflightStatus, RunPreflight } from '../../common/types.js';
import { asData } from '../../common/scrub.js';
import { fieldFix, fieldLabel } from '../../common/fields.js';
import { createPreflight } from '../oidc/preflight.js';
import { emailDomainSchema, emailSchema, scopeSchema } from '../tunnel/validate.js';
import { readSecret } from './args.js';
import { runCommand, type CliIo } from './command.js';
import { TIMEOUT_RANGE } from './commands.js';
import { jsonText, type CheckJson } from './json-output.js';
import { UsageError, type Parsed } from './parse.js';

type CheckIo = CliIo;

/** One mark per status, for every checklist printed for people. */
export const CHECK_MARK: Record<PreflightStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-', manual: '☐' };

/** The preflight's input from the parsed flags; throws UsageError naming the flag. */
async function inputFrom({ values }: Parsed<'check'>, env: NodeJS.ProcessEnv): Promise<{ input: FusionAuthSettings; json: boolean; timeoutMs?: number }> {
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
  const timeoutMs = timeoutMsFrom(values.timeout);
  return {
    input: { issuer: values.issuer, clientId: values['client-id'].trim(), clientSecret: secret, allowEmails: emails, allowDomains: domains, scopes },
    json: values.json ?? false,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** "1 failed, 5 not checked, 1 to do by hand": each status counted once, in the order that matters. */
function summaryLine(report: PreflightReport): string {
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
function formatReport(report: PreflightReport, issuer: string): string {
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

/** --timeout SECONDS in ms (check and fusionauth setup); undefined when not given. */
export function timeoutMsFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Number(text);
  if (!/^\s*\d/.test(text) || !Number.isFinite(t) || t <= TIMEOUT_RANGE.min || t > TIMEOUT_RANGE.max) {
    throw new UsageError(`--timeout "${text}": give a number of seconds above ${TIMEOUT_RANGE.min} and at most ${TIMEOUT_RANGE.max} (e.g. --timeout 10)`);
  }
  return t * 1000;
}

/** The --json object of a report; remote text inside is escaped by the one serialiser. */
export function checkJson(report: PreflightReport): string {
  const o: CheckJson = { ok: report.ok, checks: report.checks.map((c) => ({ id: c.id, status: c.status, message: c.message, ...(c.fix ? { fix: c.fix } : {}) })) };
  return jsonText(o);
}

/** `porthole check …`: 0 when nothing failed, 1 when a check failed, 2 for bad arguments. */
export function checkCommand(argv: string[], io: CheckIo, preflight?: RunPreflight): Promise<number> {
  return runCommand({
    name: 'check',
    async run(parsed) {
      const args = await inputFrom(parsed, io.env);
      const run = preflight ?? createPreflight(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {});
      const report = await run(args.input);
      io.stdout(args.json ? `${checkJson(report)}\n` : formatReport(report, args.input.issuer));
      return report.ok ? 0 : 1;
    },
  }, argv, io);
}
