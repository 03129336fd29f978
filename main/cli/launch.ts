// shell: the process the user starts for `porthole share`, kept thin. The ngrok SDK prints some
// messages straight to its process's stdout (a Rust println!: "Aborting connection to …" whenever a
// replaced session is refused a redial), and no logging callback silences it; Node can't point its
// own fd 1 elsewhere (no dup2). So everything, argument parsing included, runs in a worker process
// (worker.ts) whose stdout is a pipe to our stderr ("ngrok: …" lines), and Porthole's own lines come
// back over the IPC channel: our stdout carries nothing else. This module loads only Node built-ins,
// so the parent costs one bare Node and starts the worker at once.
import { spawn } from 'node:child_process';
import type { CliIo } from './command.js';
import { onSigusr2, signalPromise } from './signals.js';

/** The hidden `porthole` command that runs `share` in its worker process. */
export const WORKER_COMMAND = '__share-worker';

/** Parent → worker. The argv goes over IPC, not the worker's command line (`ps` shows that). */
export type ToWorker = { type: 'run'; argv: string[] } | { type: 'stop'; signal: string } | { type: 'recover' };
/** Worker → parent: a piece of Porthole's stdout, and the exit code before the worker ends. */
export type FromWorker = { type: 'out'; text: string } | { type: 'done'; code: number };

interface LaunchHooks {
  /** Resolves with the signal's name when the process is told to stop (SIGINT/SIGTERM by default). */
  stopSignal?: () => Promise<string>;
  /** Calls back when the connection should be checked now (SIGUSR2 by default); returns an unsubscribe. */
  onRecover?: (fn: () => void) => () => void;
}

/** Node flags a second process must not repeat (a second inspector on the same port fails). */
const isInheritable = (flag: string) => !/^--(inspect|debug)/.test(flag);

/** Splits a stream into lines and hands each complete one to fn. */
function lines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) fn(p);
  });
  stream.on('end', () => {
    if (rest) fn(rest);
  });
}

/** The tunnel named by the first --json line in `text`, if any. */
function tunnelOf(text: string): string | undefined {
  try {
    const o = JSON.parse(text.split('\n')[0]!) as { tunnel?: unknown };
    return typeof o.tunnel === 'string' ? o.tunnel : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `porthole share …` from the command line: starts `command args… __share-worker`, hands it the
 * argv, relays stop and recover requests, prints what it says. Resolves with its exit code.
 */
export function launchShare(argv: string[], io: CliIo & LaunchHooks, worker: { command: string; args: string[] }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(worker.command, [...worker.args.filter(isInheritable), WORKER_COMMAND], {
      // The worker's stderr is ours as it is: only its stdout (the SDK's prints) needs the detour.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: io.env,
    });
    const send = (m: ToWorker) => {
      if (child.connected) child.send(m, () => {});
    };
    let code: number | undefined;
    const json = argv.includes('--json');
    let tunnel: string | undefined;
    child.on('message', (m: FromWorker) => {
      if (m.type === 'out') {
        io.stdout(m.text);
        if (json && tunnel === undefined) tunnel = tunnelOf(m.text);
      } else if (m.type === 'done') code = m.code;
    });
    lines(child.stdout!, (l) => io.stderr(`ngrok: ${l}\n`));
    void (io.stopSignal ?? signalPromise)().then((signal) => send({ type: 'stop', signal }));
    const stopRecover = (io.onRecover ?? onSigusr2)(() => send({ type: 'recover' }));
    child.on('error', (err) => {
      io.stderr(`porthole share: could not start the worker process: ${err.message}\n`);
      stopRecover();
      resolve(1);
    });
    // 'close' comes after the process ended and its pipes drained; 'done' came before it, in order.
    child.on('close', (exitCode, signal) => {
      stopRecover();
      if (code === undefined) {
        const how = signal ?? `exit ${exitCode}`;
        // The tunnel went with the worker: the last --json line must not go on saying "online".
        if (json) io.stdout(`${JSON.stringify({ ...(tunnel ? { tunnel } : {}), state: 'error', code: 'INTERNAL', message: `Porthole's tunnel process ended unexpectedly (${how}); the tunnel is down.` })}\n`);
        io.stderr(`porthole share: the worker process ended unexpectedly (${how}); the tunnel is down\n`);
      }
      resolve(code ?? 1);
    });
    send({ type: 'run', argv });
  });
}
