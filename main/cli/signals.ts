// shell: the process events `porthole share` listens to: stop signals, SIGUSR2 and waking from
// sleep. Node built-ins only: the thin `share` parent (launch.ts) uses them before anything loads.

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function signalPromise(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
}

/** SIGUSR2 (not on Windows) asks for recover(); returns an unsubscribe. */
export function onSigusr2(fn: () => void): () => void {
  if (process.platform === 'win32') return () => {};
  process.on('SIGUSR2', fn);
  return () => void process.off('SIGUSR2', fn);
}

/**
 * Calls onWake when the event loop was frozen for more than `slackMs` (the machine slept): a timer
 * that fires long after it was due. Returns a stop function.
 */
export function watchWake(onWake: () => void, opts: { intervalMs?: number; slackMs?: number; now?: () => number } = {}): () => void {
  const intervalMs = opts.intervalMs ?? 2000;
  const slackMs = opts.slackMs ?? 8000;
  const now = opts.now ?? Date.now;
  let last = now();
  const t = setInterval(() => {
    const at = now();
    const late = at - last - intervalMs;
    last = at;
    if (late > slackMs) onWake();
  }, intervalMs);
  t.unref();
  return () => clearInterval(t);
}
