// shell: `porthole share` split over two processes. The ngrok SDK prints some messages straight to
// its process's stdout (a Rust println!: "Aborting connection to …" whenever a replaced session is
// refused a redial), and no logging callback silences it. So the engine runs in a worker whose
// stdout is a pipe to our stderr ("ngrok: …" lines), and Porthole's own lines come back over the
// IPC channel: our stdout carries nothing else (one JSON object per line with --json).
import { spawn } from 'node:child_process';
import { WORKER_COMMAND, type ParsedShareArgs } from './args.js';
import { onSigusr2, runShare, signalPromise, type ShareIo } from './share.js';

type ToWorker = { type: 'run'; args: ParsedShareArgs } | { type: 'stop'; signal: string } | { type: 'recover' };
type FromWorker = { type: 'out'; text: string } | { type: 'done'; code: number };

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

/**
 * The parent's half: starts `command args… __share-worker`, hands it the parsed arguments (secrets
 * never go through argv), relays stop and recover requests, prints what it says. Resolves with its exit code.
 */
export function runInWorker(args: ParsedShareArgs, io: ShareIo, worker: { command: string; args: string[] }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(worker.command, [...worker.args.filter(isInheritable), WORKER_COMMAND], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: io.env,
    });
    const send = (m: ToWorker) => {
      if (child.connected) child.send(m, () => {});
    };
    let code: number | undefined;
    child.on('message', (m: FromWorker) => {
      if (m.type === 'out') io.stdout(m.text);
      else if (m.type === 'done') code = m.code;
    });
    lines(child.stdout!, (l) => io.stderr(`ngrok: ${l}\n`));
    lines(child.stderr!, (l) => io.stderr(`${l}\n`));
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
      if (code === undefined) io.stderr(`porthole share: the worker process ended unexpectedly (${signal ?? `exit ${exitCode}`})\n`);
      resolve(code ?? 1);
    });
    send({ type: 'run', args });
  });
}

/** The worker's half (`porthole __share-worker`): runs the tunnel, its lines to the parent over IPC. */
export async function shareWorker(): Promise<number> {
  if (!process.send) {
    process.stderr.write('porthole: __share-worker is started by "porthole share", not by hand\n');
    return 2;
  }
  const pending = new Set<Promise<void>>();
  const send = (m: FromWorker) => {
    if (!process.connected) return;
    const p = new Promise<void>((r) => process.send!(m, undefined, {}, () => r()));
    pending.add(p);
    void p.then(() => pending.delete(p));
  };
  const recoverFns = new Set<() => void>();
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((r) => (stop = r));
  const args = await new Promise<ParsedShareArgs | null>((resolve) => {
    process.on('message', (m: ToWorker) => {
      if (m.type === 'run') resolve(m.args);
      else if (m.type === 'stop') stop(m.signal);
      else if (m.type === 'recover') for (const fn of recoverFns) fn();
    });
    // The parent is gone (killed): stop cleanly rather than run on unseen.
    process.once('disconnect', () => {
      resolve(null);
      stop('disconnect');
    });
  });
  if (!args) return 1;
  // A Ctrl-C in a terminal reaches the whole process group, this worker included.
  void signalPromise().then(stop);
  const io: ShareIo = {
    stdout: (text) => send({ type: 'out', text }),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    stopSignal: () => stopped,
    onRecover(fn) {
      recoverFns.add(fn);
      const off = onSigusr2(fn);
      return () => {
        recoverFns.delete(fn);
        off();
      };
    },
  };
  const code = await runShare(args, io);
  send({ type: 'done', code });
  await Promise.all([...pending]);
  if (process.connected) process.disconnect();
  return code;
}
