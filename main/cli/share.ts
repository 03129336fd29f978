// shell: `porthole share` — one tunnel on the engine, from the command line, until SIGINT/SIGTERM.
// With --json, stdout carries one JSON object per line for every change; without it, lines for people.
import type { RunPreflight, TunnelView, VerifyProtection } from '../types.js';
import { createEngine } from '../engine/engine.js';
import { formatError } from '../errors.js';
import { parseShareArgs, SESSION_FLAGS_USAGE, TUNNEL_FLAGS_USAGE, UsageError, type CliIo } from './args.js';

export const SHARE_USAGE = `Usage: porthole share <port|host:port> [flags]

Shares a local app through an ngrok tunnel with FusionAuth sign-in in front of it, until Ctrl-C.

${TUNNEL_FLAGS_USAGE}
${SESSION_FLAGS_USAGE}

Exit 0 after SIGINT/SIGTERM, 1 when the tunnel fails, 2 for bad arguments.`;

export interface ShareIo extends CliIo {
  /** Resolves with the signal's name when the process is told to stop. */
  stopSignal?: () => Promise<string>;
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

/** A line for people. */
export function humanLine(v: TunnelView): string {
  switch (v.state) {
    case 'online': {
      const p = v.protection ? `  [${v.protection}${v.protectionReason ? `: ${v.protectionReason}` : ''}]` : '';
      return `${v.name}: online at ${v.url}${p}`;
    }
    case 'reconnecting':
      return `${v.name}: connection lost, reconnecting…`;
    case 'error':
      return `${v.name}: error: ${v.error ? formatError(v.error) : 'unknown'}`;
    default:
      return `${v.name}: ${v.state}`;
  }
}

function defaultStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
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
  const { spec, session, json } = args;
  // The signal handlers go in first: a Ctrl-C during start-up must still stop cleanly.
  const signal = (io.stopSignal ?? defaultStopSignal)();
  // The SDK does not keep the event loop alive (protocol doc §10): hold it until we are told to stop.
  const keepAlive = setInterval(() => {}, 1 << 30);

  const oidc = spec.mode === 'oidc' || spec.mode === 'oidc-legacy';
  const preflight = io.preflight ?? (oidc ? (await import('../oidc/preflight.js')).runPreflight : undefined);
  const verify: VerifyProtection = io.verify ?? (await import('../oidc/verify.js')).verifyProtection;
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
  let failed: (() => void) | undefined;
  const failure = new Promise<void>((r) => (failed = r));
  const unsubscribe = engine.subscribe((v) => {
    if (v.name !== spec.name) return;
    const line = json ? jsonLine(v) : humanLine(v);
    if (line !== last) io.stdout(`${line}\n`);
    last = line;
    if (!json && v.protection === 'open' && spec.mode !== 'public') io.stderr(`warning: ${v.name} is OPEN: ${v.protectionReason ?? 'anyone with the URL gets in'}\n`);
    if (v.state === 'error') failed?.();
  });
  void engine.start(spec.name);
  const outcome = await Promise.race([signal.then((s) => ({ signal: s })), failure.then(() => ({ signal: undefined }))]);
  // After a failure the error line is the last word; after a signal, "stopped" is.
  if (!outcome.signal) unsubscribe();
  // Stop cleanly, but never hang on the way out.
  await Promise.race([engine.stopAll(), new Promise((r) => setTimeout(r, 5000).unref())]);
  clearInterval(keepAlive);
  return outcome.signal ? 0 : 1;
}
