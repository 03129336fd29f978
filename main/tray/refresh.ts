// shell: when the tray and the window are redrawn. A burst of changes (a start emits starting → online →
// protection checked within a millisecond) becomes one redraw, one frame later. Timers live here, so
// menu.ts stays pure.

/**
 * How long the tray waits to rebuild after a change: one frame. Long enough to fold a burst (a start
 * emits starting → online → protection checked, often within a millisecond) into one rebuild, short
 * enough that every state change reaches the tray at once.
 */
export const TRAY_COALESCE_MS = 16;

/**
 * Collapse bursts of calls into one call of `fn`, `ms` after the first of the burst (the engine emits
 * several changes per start; the tray is rebuilt once). `flush` runs a pending call now; `cancel` drops it.
 */
export function coalesce(fn: () => void, ms: number): { (): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    timer = undefined;
    fn();
  };
  const call = (): void => {
    if (timer === undefined) timer = setTimeout(run, ms);
  };
  call.flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      run();
    }
  };
  call.cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
