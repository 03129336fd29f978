// shell: `porthole share` — one tunnel on the engine, from the command line, until SIGINT/SIGTERM.
// With --json, stdout carries one JSON object per line for every change; without it, lines for people.
// From the `porthole` command this runs in a worker process (launch.ts says why).
import type { PortholeError, RunPreflight, TunnelView, VerifyProtection } from '../../common/types.js';
import { createEngine } from '../engine/engine.js';
import { formatError } from '../errors.js';
import { parseShareArgs, SESSION_FLAGS_USAGE, TUNNEL_FLAGS_USAGE, UsageError, type CliIo, type ParsedShareArgs } from './args.js';
import { onSigusr2, signalPromise, watchWake } from './signals.js';
import { needsFusionAuth } from '../../common/view-rules.js';

export const SHARE_USAGE = `Usage: porthole share <port|host:port> [flags]

Shares a local app through an ngrok tunnel with FusionAuth sign-in in front of it, until Ctrl-C.

${TUNNEL_FLAGS_USAGE}
${SESSION_FLAGS_USAGE}

Exit 0 after SIGINT/SIGTERM, 1 when the tunnel fails, 2 for bad arguments.
stdout holds only Porthole's lines (with --json, only JSON objects); the ngrok library's own
messages go to stderr. After the machine wakes from sleep, or on SIGUSR2 (e.g. from a
network-change hook), Porthole checks its ngrok connection at once and rebuilds it if it is dead.`;

export interface ShareIo extends CliIo {
  /** Resolves with the signal's name when the process is told to stop. */
  stopSignal?: () => Promise<string>;
  /** Calls back when the connection should be checked now (SIGUSR2 by default); returns an unsubscribe. */
  onRecover?: (fn: () => void) => () => void;
  /** The FusionAuth ports; main/oidc's by default. */
  preflight?: RunPreflight;
  verify?: VerifyProtection;
}

/** The --json line for a view: {"tunnel","state","url","code","message","protection"}. */
export function jsonLine(v: TunnelView): string {
  const o: Record<string, string> = { tunnel: v.name, state: v.state };
  if (v.url) o.url = v.url;
  if (v.error) {
    o.code = v.error.ngrokCode ?? v.error.code;
    o.message = v.error.message;
  }
  if (v.protection) o.protection = v.protection;
  return JSON.stringify(o);
}

/** What a change means for people: lines for stdout, and warnings and errors for stderr. */
export interface HumanReport {
  out: string[];
  err: string[];
}

function errorLines(name: string, e: PortholeError): string[] {
  const code = e.ngrokCode ?? e.code;
  const where = e.field ? `${e.field}: ` : '';
  return [`${name}: failed: ${where}${e.message} (${code})`, ...(e.fix ? [`  fix: ${e.fix}`] : [])];
}

/**
 * The lines for people when a tunnel goes from `prev` to `v`: its state, its URL, the protection
 * verdict (an `open` tunnel that should be signed-in gets a loud warning), and errors with their fix.
 */
export function humanReport(prev: TunnelView | undefined, v: TunnelView, target: string): HumanReport {
  const out: string[] = [];
  const err: string[] = [];
  const n = v.name;
  if (!prev || prev.state !== v.state || prev.url !== v.url) {
    switch (v.state) {
      case 'starting':
        out.push(`${n}: starting${needsFusionAuth(v.mode) ? ' (checking FusionAuth, then connecting to ngrok)' : ''}…`);
        break;
      case 'online':
        if (prev?.state === 'reconnecting') out.push(`${n}: back online at ${v.url}${prev.url && prev.url !== v.url ? ` (a new URL; it was ${prev.url})` : ''}`);
        else out.push(`${n}: online at ${v.url} → ${target}`);
        break;
      case 'reconnecting':
        out.push(`${n}: connection to ngrok lost, reconnecting… (${v.url} is offline meanwhile)`);
        break;
      case 'error':
        err.push(...(v.error ? errorLines(n, v.error) : [`${n}: failed`]));
        break;
      case 'stopped':
        out.push(`${n}: stopped`);
        break;
    }
  }
  const verdictChanged = v.protection && (prev?.protection !== v.protection || prev?.url !== v.url);
  if (verdictChanged && (v.state === 'online' || v.state === 'reconnecting')) {
    const why = v.protectionReason ? `: ${v.protectionReason}` : '';
    if (v.protection === 'protected') out.push(`${n}: protected, visitors must sign in${why}`);
    else if (v.protection === 'unknown') out.push(`${n}: protection unknown${why}`);
    else {
      out.push(`${n}: OPEN, anyone with the URL gets in${why}`);
      if (v.mode !== 'public') {
        const bar = '!'.repeat(72);
        err.push(bar, `WARNING: ${n} is OPEN: anyone with ${v.url} reaches ${target} without signing in,`, `although its mode is "${v.mode}". Stop it now (Ctrl-C) and check its FusionAuth settings.`, bar);
      }
    }
  }
  return { out, err };
}

/** `porthole share …`: runs until a signal (exit 0), a failure (1), or refuses bad arguments (2). */
export async function shareCommand(argv: string[], io: ShareIo): Promise<number> {
  let args;
  try {
    args = await parseShareArgs(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`porthole share: ${err.message}\n\nRun "porthole share --help" for the flags.\n`);
    return 2;
  }
  if (!args) {
    io.stdout(`${SHARE_USAGE}\n`);
    return 0;
  }
  return runShare(args, io);
}

/** Runs one tunnel on the engine with already-parsed arguments, printing every change. */
export async function runShare(args: ParsedShareArgs, io: ShareIo): Promise<number> {
  const { spec, session, json } = args;
  // The signal handlers go in first: a Ctrl-C during start-up must still stop cleanly.
  const signal = (io.stopSignal ?? signalPromise)();
  // The SDK does not keep the event loop alive: hold it until we are told to stop.
  const keepAlive = setInterval(() => {}, 1 << 30);

  // The FusionAuth modules load when first used, not before the tunnel starts connecting.
  const lazyPreflight: RunPreflight = async (input) => (await import('../oidc/preflight.js')).runPreflight(input);
  const preflight = io.preflight ?? (needsFusionAuth(spec.mode) ? lazyPreflight : undefined);
  const verify: VerifyProtection = io.verify ?? (async (url, s) => (await import('../oidc/verify.js')).verifyProtection(url, s));
  const engine = createEngine({
    session,
    ...(preflight ? { preflight } : {}),
    verify,
    log: io.env.PORTHOLE_DEBUG ? (line) => io.stderr(`debug: ${line}\n`) : undefined,
  });

  if (spec.mode === 'public' && !json) io.stderr(`warning: mode "public": no sign-in, anyone with the URL gets in.\n`);

  const added = engine.add(spec);
  if (!added.ok) {
    clearInterval(keepAlive);
    io.stderr(`porthole share: ${added.errors.map(formatError).join('\n')}\n`);
    return 2;
  }
  let last = '';
  let prev: TunnelView | undefined;
  let failed: (() => void) | undefined;
  const failure = new Promise<void>((r) => (failed = r));
  const unsubscribe = engine.subscribe((v) => {
    if (v.name !== spec.name) return;
    if (json) {
      const line = jsonLine(v);
      if (line !== last) io.stdout(`${line}\n`);
      last = line;
    } else {
      const r = humanReport(prev, v, spec.target);
      for (const l of r.out) io.stdout(`${l}\n`);
      for (const l of r.err) io.stderr(`${l}\n`);
    }
    prev = v;
    if (v.state === 'error') failed?.();
  });
  const recover = () => {
    if (io.env.PORTHOLE_DEBUG) io.stderr('debug: checking the ngrok connection now\n');
    engine.recover();
  };
  const stopRecover = (io.onRecover ?? onSigusr2)(recover);
  const stopWake = watchWake(recover);
  void engine.start(spec.name);
  const outcome = await Promise.race([signal.then((s) => ({ signal: s })), failure.then(() => ({ signal: undefined }))]);
  stopRecover();
  stopWake();
  // After a failure the error line is the last word; after a signal, "stopped" is.
  if (!outcome.signal) unsubscribe();
  // Stop cleanly, but never hang on the way out.
  await Promise.race([engine.stopAll(), new Promise((r) => setTimeout(r, 5000).unref())]);
  clearInterval(keepAlive);
  return outcome.signal ? 0 : 1;
}
