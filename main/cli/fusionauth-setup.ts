// shell: `porthole fusionauth setup` — creates or repairs the FusionAuth side from an API key, writes
// the client secret to a 0600 file (never to stdout), then proves the result with the preflight.
import { constants, promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import type { PreflightReport, RunPreflight } from '../../common/types.js';
import type { FusionAuthError } from '../fusionauth/errors.js';
import { prepareSetup } from '../fusionauth/setup.js';
import { createPreflight } from '../oidc/preflight.js';
import { emailSchema } from '../tunnel/validate.js';

export interface FusionauthSetupIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests pass a preflight with a short timeout. */
  preflight?: RunPreflight;
}

export const FUSIONAUTH_SETUP_USAGE = `Usage: porthole fusionauth setup --url URL --api-key-env NAME [--tenant-id ID] [--app-name NAME]
  [--fix-issuer] [--require-registration] [--register EMAIL]... --client-secret-out PATH [--json] [--dry-run]

Creates or repairs the FusionAuth application ngrok signs users in with (redirect URL, grants),
fixes the tenant issuer with --fix-issuer, writes the client secret to PATH (mode 0600), then runs
the preflight. Exit 0: set up and every check passes; 1: FusionAuth refused or a check failed;
2: bad arguments.`;

class UsageError extends Error { override name = 'UsageError'; }

interface Args {
  url: string; apiKey: string; tenantId?: string; appName?: string; fixIssuer: boolean;
  requireRegistration: boolean; register: string[]; secretOut: string; json: boolean; dryRun: boolean;
}

function parse(argv: string[], env: NodeJS.ProcessEnv): Args {
  if (argv[0] !== 'setup') throw new UsageError(argv[0] ? `unknown subcommand "${argv[0]}" (only "setup")` : '');
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.slice(1), strict: true, allowPositionals: false,
      options: {
        url: { type: 'string' }, 'api-key-env': { type: 'string' }, 'tenant-id': { type: 'string' }, 'app-name': { type: 'string' },
        'fix-issuer': { type: 'boolean' }, 'require-registration': { type: 'boolean' }, register: { type: 'string', multiple: true },
        'client-secret-out': { type: 'string' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  let url: URL;
  try { url = new URL(values.url ?? ''); } catch { throw new UsageError('--url is required: your FusionAuth URL, e.g. https://acme.fusionauth.io'); }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname))) {
    throw new UsageError('--url must be https (http only for this machine)');
  }
  const keyName = values['api-key-env'];
  if (!keyName) throw new UsageError('--api-key-env NAME is required (the environment variable holding the FusionAuth API key)');
  const apiKey = env[keyName]?.trim();
  if (!apiKey) throw new UsageError(`--api-key-env: the environment variable ${keyName} is empty or not set`);
  if (!values['client-secret-out']) throw new UsageError('--client-secret-out PATH is required (the client secret is written there, mode 0600)');
  for (const e of values.register ?? []) if (!emailSchema.safeParse(e).success) throw new UsageError(`--register: "${e}" is not an email address`);
  const tenantId = values['tenant-id'];
  if (tenantId !== undefined && !/^[0-9a-f-]{36}$/i.test(tenantId)) throw new UsageError('--tenant-id: give the tenant\'s id (a UUID, Tenants in FusionAuth)');
  return {
    url: url.href.replace(/\/+$/, ''), apiKey, ...(tenantId ? { tenantId } : {}), ...(values['app-name'] ? { appName: values['app-name'] } : {}),
    fixIssuer: values['fix-issuer'] === true, requireRegistration: values['require-registration'] === true, register: values.register ?? [],
    secretOut: values['client-secret-out'], json: values.json === true, dryRun: values['dry-run'] === true,
  };
}

/** Undefined when PATH may receive this secret; else why not. Never overwrites another secret. */
async function secretFileProblem(path: string, existingSecret: string | undefined): Promise<string | undefined> {
  let held: string;
  try {
    held = await fs.readFile(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `--client-secret-out: ${path} can't be read (${(err as NodeJS.ErrnoException).code})`;
  }
  if (existingSecret && held.trim() === existingSecret) return undefined;
  return `--client-secret-out: ${path} already exists and does not hold this application's secret; give a new path or remove it`;
}

async function writeSecret(path: string, secret: string): Promise<void> {
  // O_EXCL when new, so a file created meanwhile is never clobbered; same content when it exists.
  const exists = await fs.access(path).then(() => true, () => false);
  if (exists) return;
  const fh = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try { await fh.writeFile(`${secret}\n`); } finally { await fh.close(); }
  await fs.chmod(path, 0o600);
}

function report(io: FusionauthSetupIo, args: Args, out: Record<string, unknown>, checks?: PreflightReport): void {
  // Every key always present (null when not known yet), so a script reads one shape.
  const shape = { ok: false, issuer: args.url, clientId: null, applicationId: null, created: false, changes: [] };
  if (args.json) return void io.stdout(`${JSON.stringify({ ...shape, ...out, checks: checks?.checks ?? [] })}\n`);
  const changes = (out.changes as string[] | undefined) ?? [];
  if (out.ok === false) {
    io.stderr(`porthole: ${String(out.message)} (${String(out.code)})\n${out.fix ? `  fix: ${String(out.fix)}\n` : ''}`);
    if (changes.length) io.stderr(`Planned:\n${changes.map((c) => `  - ${c}\n`).join('')}`);
  }
  if (out.ok !== false) {
    const head = args.dryRun ? 'Would' : 'Done';
    io.stdout(changes.length ? `${head}:\n${changes.map((c) => `  - ${c}\n`).join('')}` : 'FusionAuth is already set up: nothing to change.\n');
    if (out.clientId) io.stdout(`issuer ${String(out.issuer)}\nclient id ${String(out.clientId)}\nclient secret written to ${args.secretOut}\n`);
  }
  for (const c of checks?.checks ?? []) io.stdout(`${({ pass: '✓', warn: '!', fail: '✗', skip: '-', manual: '☐' } as const)[c.status]} ${c.id}: ${c.message}${c.fix && c.status !== 'pass' ? `\n    fix: ${c.fix}` : ''}\n`);
}

function failure(error: FusionAuthError, changes?: string[]): Record<string, unknown> {
  return { ok: false, code: error.code, message: error.message, fix: error.fix, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}), changes: changes ?? [] };
}

/** `porthole fusionauth <argv>`; resolves with the exit code. */
export async function runFusionauthSetup(argv: string[], io: FusionauthSetupIo): Promise<number> {
  let args: Args;
  try {
    args = parse(argv, io.env);
  } catch (err) {
    const msg = (err as Error).message;
    io.stderr(msg ? `porthole fusionauth: ${msg}\n\n${FUSIONAUTH_SETUP_USAGE}\n` : `${FUSIONAUTH_SETUP_USAGE}\n`);
    return msg ? 2 : argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const prepared = await prepareSetup({
    url: args.url, apiKey: args.apiKey, fixIssuer: args.fixIssuer, requireRegistration: args.requireRegistration, registerEmails: args.register,
    ...(args.tenantId ? { tenantId: args.tenantId } : {}), ...(args.appName ? { appName: args.appName } : {}),
  });
  if (!prepared.ok) return report(io, args, failure(prepared.error, prepared.changes)), 1;
  const { changes, existingSecret, plan } = prepared.value;
  if (args.dryRun) {
    // FusionAuth makes a new application's client id its id, so the dry run can name both.
    const clientId = plan.existing?.oauthConfiguration?.clientId ?? plan.applicationId;
    return report(io, args, { ok: true, dryRun: true, clientId, applicationId: plan.applicationId, created: !plan.existing, changes }), 0;
  }
  const fileProblem = await secretFileProblem(args.secretOut, existingSecret);
  if (fileProblem) {
    io.stderr(`porthole fusionauth: ${fileProblem}\n`);
    return 2;
  }
  const applied = await prepared.value.apply();
  if (!applied.ok) return report(io, args, failure(applied.error, changes)), 1;
  const r = applied.value;
  await writeSecret(args.secretOut, r.clientSecret);
  const preflight = io.preflight ?? createPreflight();
  const checks = await preflight({ issuer: r.issuer, clientId: r.clientId, clientSecret: r.clientSecret, allowEmails: [], allowDomains: [], scopes: [] });
  const out = { ok: checks.ok, issuer: r.issuer, clientId: r.clientId, applicationId: r.applicationId, created: r.created, changes: r.changes,
    ...(checks.ok ? {} : { code: 'PREFLIGHT_FAILED', message: 'FusionAuth is set up, but a check failed (see checks).' }) };
  report(io, args, out, checks);
  return checks.ok ? 0 : 1;
}
