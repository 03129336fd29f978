// shell: `porthole share` — one tunnel on the engine, from the command line, until SIGINT/SIGTERM.
// With --json, stdout carries one JSON object per line for every change; without it, lines for people.
// From the `porthole` command this runs in a worker process (launch.ts says why).
import type { PortholeError, RunPreflight, TunnelView, VerifyProtection } from '../../common/types.js';
import { createEngine } from '../engine/engine.js';
import { formatError } from '../errors.js';
import { fieldCliFix, fieldLabel } from '../../common/fields.js';
import { requestJson, requestText, type RequestRecord } from '../visits/log.js';
import { ShareTimer } from '../visits/share-timer.js';
import { parseShareArgs, SESSION_FLAGS_USAGE, SHARE_FLAGS_USAGE, TUNNEL_FLAGS_USAGE, UsageError, type CliIo, type ParsedShareArgs } from './args.js';
import { onSigusr2, signalPromise, watchWake } from './signals.js';
import { needsFusionAuth } from '../../common/view-rules.js';
import { asData } from '../../common/scrub.js';
import { localAddress, probeLocal, watchLocal, type LocalState } from './local.js';
import { cliFix } from './words.js';

export const SHARE_USAGE = `Usage: porthole share <port|host:port> [flags]

Shares a local app through an ngrok tunnel with FusionAuth sign-in in front of it, until Ctrl-C.

${TUNNEL_FLAGS_USAGE}
${SESSION_FLAGS_USAGE}
${SHARE_FLAGS_USAGE}

Before and while sharing, Porthole checks that something listens on the local target and says
so when nothing does (with --json: "local":"listening"|"unreachable" on every online line).
Without --authtoken-env, the ngrok authtoken comes from NGROK_AUTHTOKEN, else from the ngrok
agent's config file (what \`ngrok config add-authtoken\` wrote).

Exit 0 after SIGINT/SIGTERM (or when stdout's reader goes away, or when the --for time ran out:
the last --json line is then {"state":"stopped",…,"message":"…the time ran out…"}), 1 when the
tunnel fails, 2 for bad arguments. The --for time is wall-clock time: a machine that sleeps
through it stops the share when it wakes.
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

/**
 * The --json line for a view: {"tunnel","state","url","code","message","protection","local"}; `local`
 * only when online. `stopNote` is the message of a `stopped` line (why Porthole stopped it by itself).
 */
export function jsonLine(v: TunnelView, local?: LocalState, stopNote?: string): string {
  const o: Record<string, string> = { tunnel: v.name, state: v.state };
  if (v.url) o.url = v.url;
  if (v.error) {
    o.code = v.error.ngrokCode ?? v.error.code;
    o.message = v.error.message;
  } else if (stopNote && v.state === 'stopped') o.message = stopNote;
  if (v.protection) o.protection = v.protection;
  if (local && v.state === 'online') o.local = local;
  return JSON.stringify(o);
}

/** What a change means for people: lines for stdout, and warnings and errors for stderr. */
export interface HumanReport {
  out: string[];
  err: string[];
}

function errorLines(name: string, e: PortholeError): string[] {
  const code = e.ngrokCode ?? e.code;
  const where = e.field ? `${fieldLabel(e.field, 'cli')}: ` : '';
  // Validation messages start with their schema path; the flag stands for it here.
  const message = e.field && e.message.startsWith(`${e.field} `) ? e.message.slice(e.field.length + 1) : e.message;
  // The shared fixes are worded for the window; the CLI names flags and environment variables.
  const fix = e.field && e.code === 'INVALID_INPUT' ? (fieldCliFix(e.field) ?? e.fix) : e.fix && cliFix(e.fix);
  // Provider and ngrok text inside a message is data: one line, no escape codes (a hostile provider can't draw on the terminal).
  return [`${name}: failed: ${where}${asData(message, 600)} (${code})`, ...(fix ? [`  fix: ${asData(fix, 600)}`] : [])];
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
        else out.push(`${n}: online at ${v.url} → ${target} (Ctrl-C to stop)`);
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
    // The verification's reason may end with the verdict's own words: say them once.
    const reason = v.protectionReason?.replace(/[;,:]?\s*anyone with the URL gets in\.?$/i, '');
    const why = reason ? `: ${reason}` : '';
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

/** A span for people: "90 s" → "1 min 30 s", "1 h", "1 h 5 min". */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'min'], [s % 60, 's']] as const;
  return parts.filter(([n]) => n > 0).map(([n, u]) => `${n} ${u}`).join(' ') || '0 s';
}

/** The message of the last line when --for ran out. */
export function timeRanOut(forMs: number): string {
  return `Shared for ${spanText(forMs)}: the time ran out, so Porthole stopped the tunnel.`;
}

/** What share prints for a tunnel's changes and its local target's, for --json or for people. */
function printer(io: ShareIo, json: boolean, target: string) {
  const where = localAddress(target);
  let last = '';
  let prev: TunnelView | undefined;
  let local: LocalState | undefined;
  let stopNote: string | undefined;
  let until: { forMs: number; deadline: number } | undefined;
  const emitJson = (v: TunnelView) => {
    const line = jsonLine(v, local, stopNote);
    if (line !== last) io.stdout(`${line}\n`);
    last = line;
  };
  return {
    view(v: TunnelView) {
      if (json) emitJson(v);
      else {
        const r = humanReport(prev, v, target);
        for (const l of r.out) io.stdout(`${l}\n`);
        for (const l of r.err) io.stderr(`${l}\n`);
        // Said once, beside the first URL: how long the link lives.
        if (until && v.state === 'online' && !prev?.url) {
          const at = new Date(until.deadline).toTimeString().slice(0, 8);
          io.stdout(`${v.name}: shared for ${spanText(until.forMs)}, until ${at}; it stops by itself then (Ctrl-C stops it sooner)\n`);
        }
      }
      prev = v;
    },
    /** --for: the deadline, for the people's line. */
    sharedUntil(forMs: number, deadline: number) {
      until = { forMs, deadline };
    },
    /** Porthole stops the tunnel by itself: the stopped line says why. */
    stoppingBecause(name: string, note: string) {
      stopNote = note;
      if (!json) io.stdout(`${name}: ${note.replace(/^./, (c) => c.toLowerCase())}\n`);
    },
    request(r: RequestRecord) {
      io.stdout(`${json ? requestJson(r) : requestText(r)}\n`);
    },
    local(name: string, s: LocalState) {
      const before = local;
      if (s === before) return;
      local = s;
      if (json) return void (prev && emitJson(prev));
      if (s === 'unreachable') io.stderr(`${name}: nothing is listening on ${where} ${before ? 'any more' : 'yet'} — visitors will get an error until it is\n`);
      else if (before) io.stdout(`${name}: ${where} is listening now\n`);
    },
  };
}

/** Runs one tunnel on the engine with already-parsed arguments, printing every change. */
export async function runShare(args: ParsedShareArgs, io: ShareIo): Promise<number> {
  const { spec, session, json, requests, forMs } = args;
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
  const print = printer(io, json, spec.target);
  // Known before the first line, so every online line can say it (a loopback probe takes a moment).
  print.local(spec.name, await probeLocal(spec.target));
  let failed: (() => void) | undefined;
  const failure = new Promise<void>((r) => (failed = r));
  const offRequests = requests ? engine.visits.on('request', (r) => r.tunnel === spec.name && print.request(r)) : () => {};
  const unsubscribe = engine.subscribe((v) => {
    if (v.name !== spec.name) return;
    // "stopped" (or the error) is the last line: a request still finishing then is not printed after it.
    if (v.state === 'stopped' || v.state === 'error') offRequests();
    print.view(v);
    if (v.state === 'error') failed?.();
  });
  let expired!: () => void;
  const timeUp = new Promise<void>((r) => (expired = r));
  const timer = forMs === undefined ? undefined : new ShareTimer({ durationMs: forMs, onExpire: () => expired() });
  timer?.start();
  if (timer) print.sharedUntil(forMs!, timer.deadline!);
  const stopLocal = watchLocal(spec.target, (s) => print.local(spec.name, s));
  const recover = () => {
    if (io.env.PORTHOLE_DEBUG) io.stderr('debug: checking the ngrok connection now\n');
    engine.recover();
  };
  const stopRecover = (io.onRecover ?? onSigusr2)(recover);
  // A machine that slept through the deadline stops the share as it wakes, before reconnecting.
  const stopWake = watchWake(() => timer?.check() || recover());
  void engine.start(spec.name);
  const outcome = await Promise.race([
    signal.then((s) => ({ signal: s })),
    timeUp.then(() => ({ signal: 'timeout' })),
    failure.then(() => ({ signal: undefined })),
  ]);
  timer?.cancel();
  if (outcome.signal === 'timeout') print.stoppingBecause(spec.name, timeRanOut(forMs!));
  stopRecover();
  stopWake();
  stopLocal();
  // After a failure the error line is the last word; after a signal, "stopped" is.
  if (!outcome.signal) unsubscribe();
  // Stop cleanly, but never hang on the way out.
  await Promise.race([engine.stopAll(), new Promise((r) => setTimeout(r, 5000).unref())]);
  offRequests();
  clearInterval(keepAlive);
  return outcome.signal ? 0 : 1;
}
