// shell: `porthole share` — one tunnel on the engine, from the command line, until SIGINT/SIGTERM.
// With --json, stdout carries one JSON object per line for every change; without it, lines for people.
// From the `porthole` command this runs in a worker process (launch.ts says why).
import { hostCheckFix } from '../../common/host-check.js';
import type { PortholeError, RunPreflight, TunnelSpec, TunnelView, VerifyProtection } from '../../common/types.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { upstreamUrlFor } from '../tunnel/forward-config.js';
import { formatError } from '../../common/errors.js';
import { fieldCliFix, fieldLabel } from '../../common/fields.js';
import { requestJson, requestText, type RequestRecord } from '../visits/log.js';
import { ShareTimer } from '../core/share-timer.js';
import { shareArgsFrom, type ParsedShareArgs } from './args.js';
import { runCommand, type CliIo } from './command.js';
import { escapeJsonText, jsonText, type ShareJsonLine } from './json-output.js';
import { onSigusr2, signalPromise, watchWake } from './signals.js';
import { needsFusionAuth } from '../../common/view-rules.js';
import { asData } from '../../common/scrub.js';
import { localAddress, probeLocal, watchLocal, type LocalState } from './local.js';
import { cliFix } from './words.js';

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
export function jsonLine(v: TunnelView, local?: LocalState, stopNote?: string, inspect?: string): string {
  const o: ShareJsonLine = { tunnel: v.name, state: v.state };
  if (v.url) o.url = v.url;
  if (inspect && v.state === 'online') o.inspect = inspect;
  if (v.error) {
    o.code = v.error.ngrokCode ?? v.error.code;
    o.message = v.error.message;
  } else if (stopNote && v.state === 'stopped') o.message = stopNote;
  if (v.protection) o.protection = v.protection;
  if (local && v.state === 'online') o.local = local;
  return jsonText(o);
}

/** What a change means for people: lines for stdout, and warnings and errors for stderr. */
interface HumanReport {
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
export function shareCommand(argv: string[], io: ShareIo): Promise<number> {
  return runCommand({
    name: 'share',
    run: async (parsed, io) => runShare(await shareArgsFrom(parsed, io.env), io),
    failureJson: (f): ShareJsonLine => ({ state: 'error', code: f.code, message: f.fix ? `${f.message} (fix: ${f.fix})` : f.message }),
  }, argv, io);
}

/** A span for people: "90 s" → "1 min 30 s", "1 h", "1 h 5 min". */
function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'min'], [s % 60, 's']] as const;
  return parts.filter(([n]) => n > 0).map(([n, u]) => `${n} ${u}`).join(' ') || '0 s';
}

/** The message of the last line when --for ran out. */
function timeRanOut(forMs: number): string {
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
  let inspect: string | undefined;
  let inspectSaid = false;
  const emitJson = (v: TunnelView) => {
    // The inspector's address rides on the first online line.
    const line = jsonLine(v, local, stopNote, inspectSaid ? undefined : inspect);
    if (v.state === 'online' && inspect) inspectSaid = true;
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
        if (inspect && !inspectSaid && v.state === 'online') {
          inspectSaid = true;
          io.stdout(`${v.name}: inspect and replay requests at ${inspect} (ngrok's agent API: ${inspect}/api/requests/http)\n`);
        }
        // Said once, beside the first URL: how long the link lives.
        if (until && v.state === 'online' && !prev?.url) {
          const at = new Date(until.deadline).toTimeString().slice(0, 8);
          io.stdout(`${v.name}: shared for ${spanText(until.forMs)}, until ${at}; it stops by itself then (Ctrl-C stops it sooner)\n`);
        }
      }
      prev = v;
    },
    /** The inspector's agent API address, said with the first online line. */
    inspecting(url: string) {
      inspect = url;
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
      io.stdout(`${json ? escapeJsonText(requestJson(r)) : requestText(r)}\n`);
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

/**
 * ngrok's agent API for this share, loaded only when inspecting. A port that can't be had is said
 * on stderr and the share goes on without it: the tunnel matters more than the inspector.
 */
async function serveAgentApi(engine: Engine, spec: TunnelSpec, addr: string | undefined, io: ShareIo): Promise<{ url: string; close(): Promise<void> } | undefined> {
  const inspector = engine.inspector;
  if (!inspector) return undefined;
  const { startAgentApi } = await import('../visits/agent-api.js');
  try {
    return await startAgentApi({
      exchanges: inspector.exchanges,
      tunnels: () => [{ name: spec.name, publicUrl: engine.get(spec.name)?.url, addr: upstreamUrlFor(spec.target) }],
      replay: (x) => inspector.replay(x.id),
      ...(addr ? { addr } : {}),
    });
  } catch (err) {
    io.stderr(`${spec.name}: ${(err as Error).message}; sharing without it (--inspect-addr picks another address)\n`);
    return undefined;
  }
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
  const verify: VerifyProtection = io.verify ?? (async (url, s, o) => (await import('../oidc/verify.js')).verifyProtection(url, s, o));
  const inspecting = args.inspect !== false && spec.record !== false;
  const engine = createEngine({
    session,
    ...(preflight ? { preflight } : {}),
    verify,
    inspect: inspecting,
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
  const api = inspecting ? await serveAgentApi(engine, spec, args.inspect === false ? undefined : args.inspect.addr, io) : undefined;
  if (api) print.inspecting(api.url);
  // Known before the first line, so every online line can say it (a loopback probe takes a moment).
  print.local(spec.name, await probeLocal(spec.target));
  let failed: (() => void) | undefined;
  const failure = new Promise<void>((r) => (failed = r));
  const offRequests = requests ? engine.visits.on('request', (r) => r.tunnel === spec.name && print.request(r)) : () => {};
  // A dev server refusing the tunnel's host name: said once, with the exact fix.
  let hinted = false;
  const offHint = engine.visits.on('request', (r) => {
    if (hinted || r.tunnel !== spec.name || !r.hostCheck || spec.hostHeader === 'rewrite') return;
    hinted = true;
    const url = engine.get(spec.name)?.url;
    io.stderr(`${spec.name}: ${hostCheckFix(r.hostCheck, url ? new URL(url).hostname : undefined)}\n`);
  });
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
  offHint();
  await api?.close();
  clearInterval(keepAlive);
  return outcome.signal ? 0 : 1;
}
