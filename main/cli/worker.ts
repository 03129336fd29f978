// shell: the worker half of `porthole share` (`porthole __share-worker`, started by launch.ts): parses
// the argv the parent sends and runs the tunnel. Its stdout is the parent's stderr, so whatever the
// ngrok SDK prints lands there; Porthole's own lines go to the parent over IPC.
import type { FromWorker, ToWorker } from './launch.js';
import { shareCommand, type ShareIo } from './share.js';
import { onSigusr2, signalPromise } from './signals.js';

/** Sends to the parent; `flushed()` resolves once everything sent so far is handed over. */
function parentChannel() {
  const pending = new Set<Promise<void>>();
  const send = (m: FromWorker) => {
    if (!process.connected) return;
    const p = new Promise<void>((r) => process.send!(m, undefined, {}, () => r()));
    pending.add(p);
    void p.then(() => pending.delete(p));
  };
  return { send, flushed: () => Promise.all([...pending]) };
}

/** `porthole __share-worker`: runs `share` for the parent; resolves with its exit code. */
export async function shareWorker(): Promise<number> {
  if (!process.send) {
    process.stderr.write('porthole: __share-worker is started by "porthole share", not by hand\n');
    return 2;
  }
  const { send, flushed } = parentChannel();
  const recoverFns = new Set<() => void>();
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((r) => (stop = r));
  const argv = await new Promise<string[] | null>((resolve) => {
    process.on('message', (m: ToWorker) => {
      if (m.type === 'run') resolve(m.argv);
      else if (m.type === 'stop') stop(m.signal);
      else if (m.type === 'recover') for (const fn of recoverFns) fn();
    });
    // The parent is gone (killed): stop cleanly rather than run on unseen.
    process.once('disconnect', () => {
      resolve(null);
      stop('disconnect');
    });
  });
  if (!argv) return 1;
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
  const code = await shareCommand(argv, io);
  send({ type: 'done', code });
  await flushed();
  if (process.connected) process.disconnect();
  return code;
}
