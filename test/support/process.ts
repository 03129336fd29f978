// test support: waiting on a child process, bounded. A process that never ends fails its test with
// what it printed, instead of holding the suite (a test's own timeout can't name the process).
import type { ChildProcess } from 'node:child_process';

/** How long a test waits for a process it expects to end (a CLI run, a stop). */
export const PROCESS_TIMEOUT_MS = 30_000;

/**
 * Resolves with the exit code once `child` has ended (`close`: its output drained too); rejects after
 * `ms` with `what()` (the output so far) in the message. The process is left running: the caller's
 * cleanup ends it.
 */
export function ended(child: ChildProcess, what: () => string, ms = PROCESS_TIMEOUT_MS, event: 'exit' | 'close' = 'exit'): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null && event === 'exit') return resolve(child.exitCode);
    const t = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${ms} ms:\n${what()}`)), ms);
    child.once(event, (code: number | null) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}
