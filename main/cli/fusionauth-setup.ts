// shell: `porthole fusionauth setup` — creates or repairs the FusionAuth side from an API key, writes
// the client secret to a 0600 file (never to stdout), then proves the result with the preflight.
// The file is made sure of (and created empty) before FusionAuth is changed, so no run leaves an
// application whose secret was saved nowhere. FusionAuth's text is data: printed escaped.
import { constants, promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fusionAuthError, type FusionAuthError } from '../../common/errors.js';
import { asData } from '../../common/scrub.js';
import type { PreflightReport, RunPreflight } from '../../common/types.js';
import { NGROK_REDIRECT_URL } from '../tunnel/policy.js';
import { prepareSetup, type Progress, type SetupResult } from '../fusionauth/setup.js';
import { withRedirectConfirmed } from '../oidc/checks.js';
import { createPreflight } from '../oidc/preflight.js';
import { emailSchema } from '../tunnel/validate.js';
import { envNameFrom } from './args.js';
import { CHECK_MARK, timeoutMsFrom } from './check.js';
import { runCommand, type CliIo } from './command.js';
import { jsonText, type SetupJson } from './json-output.js';
import { closest, helpText, UsageError, type Parsed } from './parse.js';

interface FusionauthSetupIo extends CliIo {
  /** Tests pass a preflight with a short timeout. */
  preflight?: RunPreflight;
}

interface Args {
  url: string; apiKey: string; tenantId?: string; appName?: string; fixIssuer: boolean; requireRegistration: boolean;
  register: string[]; secretOut: string; json: boolean; dryRun: boolean; timeoutMs?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The arguments from the parsed flags; every refusal names the flag and never shows the API key. */
function argsFrom({ values }: Parsed<'fusionauth setup'>, env: NodeJS.ProcessEnv): Args {
  if (!values.url) throw new UsageError('--url is required: your FusionAuth URL, e.g. --url https://acme.fusionauth.io');
  let url: URL;
  try { url = new URL(values.url); } catch { throw new UsageError(`--url ${JSON.stringify(asData(values.url, 200))}: not a URL; give your FusionAuth's address, e.g. https://acme.fusionauth.io`); }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) throw new UsageError('--url must be https (http only for this machine)');
  const keyFlag = values['api-key-env'];
  if (!keyFlag) throw new UsageError('--api-key-env NAME is required (the environment variable holding the FusionAuth API key)');
  // A pasted key is refused without being shown, as --client-secret-env and --authtoken-env are.
  const keyName = envNameFrom('--api-key-env', keyFlag, env, 'FA_API_KEY');
  const apiKey = env[keyName]?.trim();
  if (!apiKey) throw new UsageError(`--api-key-env: the environment variable ${keyName} is empty or not set\n  fix: export ${keyName}=<a key from FusionAuth's Settings > API Keys>, or name the variable that holds it`);
  if (!values['client-secret-out']) throw new UsageError('--client-secret-out PATH is required (the client secret is written there, mode 0600)');
  for (const e of values.register ?? []) if (!emailSchema.safeParse(e).success) throw new UsageError(`--register: ${JSON.stringify(asData(e, 200))} is not an email address`);
  const tenantId = values['tenant-id'];
  if (tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) throw new UsageError("--tenant-id: give the tenant's id (a UUID, Tenants in FusionAuth)");
  const timeoutMs = timeoutMsFrom(values.timeout);
  return {
    url: url.href.replace(/\/+$/, ''), apiKey, ...(tenantId ? { tenantId } : {}), ...(values['app-name'] ? { appName: values['app-name'] } : {}),
    fixIssuer: values['fix-issuer'] === true, requireRegistration: values['require-registration'] === true, register: values.register ?? [],
    secretOut: expandHome(values['client-secret-out']), json: values.json === true, dryRun: values['dry-run'] === true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** `~/x` given in quotes (the shell did not expand it) → the home folder's x. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** Where the secret will go, made sure of before FusionAuth changes. */
type SecretTarget =
  /** The file already holds this application's secret: nothing to write. */
  | { kind: 'holds-it' }
  /** Created empty (0600) and open; `madeFolder` when its folder was made for it. */
  | { kind: 'reserved'; fh: FileHandle; madeFolder?: string }
  /** A dry run: what would be done. */
  | { kind: 'would-write'; makeFolder?: string };

const WHY: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'a read-only file system', ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder', ENOSPC: 'the disk is full', ELOOP: 'it is a symbolic link', ENAMETOOLONG: 'the path is too long',
};
const why = (err: unknown) => WHY[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as NodeJS.ErrnoException).code ?? 'error';

async function lstatOrNone(path: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Makes sure PATH can receive the secret and, unless `dryRun`, creates it empty (0600, never through
 * a link, never over another file) with its folder (0700) if missing. Never overwrites another secret.
 */
async function secretTarget(path: string, existingSecret: string | undefined, dryRun: boolean): Promise<SecretTarget | FusionAuthError> {
  const problem = (what: string) => fusionAuthError('FUSIONAUTH_SECRET_FILE', { file: path, what });
  try {
    const st = await lstatOrNone(path);
    if (st?.isSymbolicLink()) return problem('it is a symbolic link; give the path of a real file');
    if (st?.isDirectory()) return problem('it is a folder');
    if (st) {
      const held = (await fs.readFile(path, 'utf8')).trim();
      if (existingSecret && held === existingSecret) return { kind: 'holds-it' };
      return problem("it already exists and does not hold this application's secret; give a new path or remove it");
    }
    const folder = dirname(resolve(path));
    const fst = await lstatOrNone(folder).catch(() => undefined);
    const makeFolder = fst ? undefined : folder;
    if (fst && !(await fs.stat(folder)).isDirectory()) return problem(`${folder} is not a folder`);
    if (dryRun) return { kind: 'would-write', ...(makeFolder ? { makeFolder } : {}) };
    if (makeFolder) await fs.mkdir(makeFolder, { recursive: true, mode: 0o700 });
    const fh = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    return { kind: 'reserved', fh, ...(makeFolder ? { madeFolder: makeFolder } : {}) };
  } catch (err) {
    return problem(why(err));
  }
}

/** Undoes a reservation when FusionAuth refused: no empty file (or folder made for it) is left behind. */
async function release(target: SecretTarget, path: string): Promise<void> {
  if (target.kind !== 'reserved') return;
  await target.fh.close().catch(() => {});
  await fs.unlink(path).catch(() => {});
  if (target.madeFolder) await fs.rmdir(target.madeFolder).catch(() => {});
}

/** Writes the secret into the reserved file; the error says what FusionAuth holds now and how to finish. */
async function writeSecret(target: SecretTarget, path: string, r: SetupResult): Promise<FusionAuthError | undefined> {
  if (target.kind !== 'reserved') return undefined;
  try {
    await target.fh.writeFile(`${r.clientSecret}\n`);
    await target.fh.sync();
    await target.fh.close();
    return undefined;
  } catch (err) {
    await target.fh.close().catch(() => {});
    await fs.unlink(path).catch(() => {});
    return fusionAuthError('FUSIONAUTH_SECRET_NOT_WRITTEN', { file: path, what: why(err), done: r.changes.join('; '), applicationId: r.applicationId });
  }
}

/** What a run found out, for the report (people or --json). */
interface Outcome {
  ok: boolean;
  /** FusionAuth's error, the secret file's, or PREFLIGHT_FAILED. */
  error?: Omit<FusionAuthError, 'code'> & { code: string };
  changes: string[];
  progress?: Progress;
  clientId?: string;
  applicationId?: string;
  issuer?: string;
  created?: boolean;
  /** The secret went to the file in this run. */
  secretWritten?: boolean;
  /** The file already held this application's secret. */
  secretHeld?: boolean;
  folderMade?: string;
  checks?: PreflightReport;
}

/** The ready-to-paste next step, once there is a client to share with. */
function nextStep(args: Args, o: Outcome): string | null {
  if (!o.ok || args.dryRun || !o.clientId) return null;
  return `porthole share 3000 --issuer ${o.issuer ?? args.url} --client-id ${o.clientId} --client-secret-file ${args.secretOut}`;
}

function setupJson(args: Args, o: Outcome): SetupJson {
  const e = o.error;
  return {
    ok: o.ok, dryRun: args.dryRun, issuer: o.issuer ?? args.url, clientId: o.clientId ?? null, applicationId: o.applicationId ?? null,
    created: o.created ?? false, changes: o.progress ? o.progress.done : o.changes, maybeApplied: o.progress?.maybeApplied ?? [],
    secretWritten: o.secretWritten ? args.secretOut : null, next: nextStep(args, o), checks: o.checks?.checks ?? [],
    ...(e ? { code: e.code, message: e.message, fix: e.fix, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) } : {}),
  };
}

/** A bulleted list, each item escaped: names and URLs in it come from FusionAuth. */
const list = (head: string, items: string[]) => (items.length ? `${head}\n${items.map((c) => `  - ${asData(c, 600)}\n`).join('')}` : '');

function reportForPeople(io: CliIo, args: Args, o: Outcome): void {
  const e = o.error;
  if (e) {
    io.stderr(`porthole fusionauth setup: ${asData(e.message, 1200)} (${e.code})\n  fix: ${asData(e.fix, 600)}\n`);
    if (o.progress) {
      io.stderr(list('Done before it stopped:', o.progress.done));
      io.stderr(list('May have been applied (FusionAuth did not answer in time; run again to see):', o.progress.maybeApplied));
      io.stderr(list('Not done:', o.progress.notTried));
    } else io.stderr(list('Planned (nothing was changed):', o.changes));
  } else if (args.dryRun) {
    io.stdout(o.changes.length ? list('Would (nothing is changed on a dry run):', o.changes) : 'FusionAuth is already set up: nothing would change.\n');
    if (o.folderMade) io.stdout(`Would create the folder ${asData(o.folderMade)} (mode 0700).\n`);
    io.stdout(o.secretHeld ? `${asData(args.secretOut)} already holds the client secret.\n` : `Would write the client secret to ${asData(args.secretOut)} (mode 0600).\n`);
    if (o.clientId) io.stdout(`client id ${asData(o.clientId)}\n`);
  } else {
    io.stdout(o.changes.length ? list('Done:', o.changes) : 'FusionAuth is already set up: nothing to change.\n');
    io.stdout(`issuer ${asData(o.issuer ?? args.url)}\nclient id ${asData(o.clientId ?? '')}\n`);
    io.stdout(o.secretWritten ? `client secret written to ${asData(args.secretOut)} (mode 0600)\n` : `client secret: ${asData(args.secretOut)} already holds it\n`);
  }
  for (const c of o.checks?.checks ?? []) {
    io.stdout(`${CHECK_MARK[c.status]} ${c.id}: ${asData(c.message, 1000)}${c.fix && c.status !== 'pass' ? `\n    fix: ${asData(c.fix, 600)}` : ''}\n`);
  }
  const next = nextStep(args, o);
  if (next) io.stdout(`Next: ${asData(next, 1000)}   (3000: your app's port)\n`);
}

function report(io: CliIo, args: Args, o: Outcome): void {
  if (args.json) io.stdout(`${jsonText(setupJson(args, o))}\n`);
  else reportForPeople(io, args, o);
}

/** The set-up with parsed arguments; resolves with the exit code. */
async function setup(args: Args, io: FusionauthSetupIo): Promise<number> {
  const prepared = await prepareSetup({
    url: args.url, apiKey: args.apiKey, fixIssuer: args.fixIssuer, requireRegistration: args.requireRegistration, registerEmails: args.register,
    ...(args.tenantId ? { tenantId: args.tenantId } : {}), ...(args.appName ? { appName: args.appName } : {}), ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}),
  });
  if (!prepared.ok) return report(io, args, { ok: false, error: prepared.error, changes: prepared.changes ?? [] }), 1;
  const { changes, existingSecret, plan } = prepared.value;
  // Before anything is changed in FusionAuth: the secret must have somewhere to go.
  const target = await secretTarget(args.secretOut, existingSecret, args.dryRun);
  if ('code' in target) return report(io, args, { ok: false, error: target, changes }), 2;
  if (target.kind === 'would-write' || args.dryRun) {
    // Only an application that exists has a client id to name; a new one gets its id when created.
    const clientId = plan.existing?.oauthConfiguration?.clientId;
    return report(io, args, {
      ok: true, changes, created: false, secretHeld: target.kind === 'holds-it',
      ...(target.kind === 'would-write' && target.makeFolder ? { folderMade: target.makeFolder } : {}),
      ...(plan.existing?.id ? { applicationId: plan.existing.id } : {}), ...(clientId ? { clientId } : {}),
    }), 0;
  }
  const applied = await prepared.value.apply();
  if (!applied.ok) {
    await release(target, args.secretOut);
    return report(io, args, { ok: false, error: applied.error, changes, progress: applied.progress }), 1;
  }
  const r = applied.value;
  const done = { changes: r.changes, clientId: r.clientId, applicationId: r.applicationId, issuer: r.issuer, created: r.created };
  const unwritten = await writeSecret(target, args.secretOut, r);
  if (unwritten) return report(io, args, { ok: false, error: unwritten, ...done, progress: { done: r.changes, maybeApplied: [], notTried: [] } }), 1;
  const preflight = io.preflight ?? createPreflight(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {});
  const ran = await preflight({ issuer: r.issuer, clientId: r.clientId, clientSecret: r.clientSecret, allowEmails: [], allowDomains: [], scopes: [] });
  // FusionAuth's answer just showed the redirect URL: the checklist says so instead of "do it by hand".
  const checks = r.redirectUrls.includes(NGROK_REDIRECT_URL) ? withRedirectConfirmed(ran, r.redirectSet ? 'set' : 'found') : ran;
  const failed = checks.ok ? undefined : { code: 'PREFLIGHT_FAILED', message: 'FusionAuth is set up, but a check failed (see checks).', fix: 'Follow the fix of the failed check, then run "porthole check" with the same issuer and client.' };
  const progress = failed ? { progress: { done: r.changes, maybeApplied: [], notTried: [] } } : {};
  report(io, args, { ok: checks.ok, ...done, ...progress, secretWritten: target.kind === 'reserved', secretHeld: target.kind === 'holds-it', checks, ...(failed ? { error: failed } : {}) });
  return checks.ok ? 0 : 1;
}

/** `porthole fusionauth setup …` (argv starts with `setup`); resolves with the exit code. */
export async function runFusionauthSetup(argv: string[], io: FusionauthSetupIo): Promise<number> {
  if (argv[0] !== 'setup') {
    const near = argv[0] ? closest(argv[0], ['setup']) : undefined;
    io.stderr(`porthole fusionauth: ${argv[0] ? `unknown subcommand ${JSON.stringify(asData(argv[0], 100))}${near ? `; did you mean "${near}"?` : ''}` : 'a subcommand is required'} (subcommands: setup)\n\n${helpText('fusionauth setup')}`);
    return 2;
  }
  const json = argv.includes('--json');
  return runCommand({
    name: 'fusionauth setup',
    run: (parsed) => setup(argsFrom(parsed, io.env), io),
    // Every failure prints the one object, with every key, as a successful run would.
    failureJson: (f) => ({ ...setupJson({ url: '', json, dryRun: argv.includes('--dry-run') } as Args, { ok: false, changes: [] }), issuer: '', ...f }),
  }, argv.slice(1), io);
}
