// shell: is the local app `share` forwards to actually listening? A tunnel in front of nothing is
// "online" and even "protected", yet every visitor meets an error after signing in.
import { probePort, tryConnect } from '../system/listening-ports.js';

export type LocalState = 'listening' | 'unreachable';

/** `3000` → `localhost:3000`; `host:port` as given. */
export function localAddress(target: string): string {
  return /^\d+$/.test(target) ? `localhost:${target}` : target;
}

/** One probe of the target: a bare port is tried on 127.0.0.1 and ::1, as the agent's localhost may be either. */
export async function probeLocal(target: string, timeoutMs = 1000): Promise<LocalState> {
  const m = /^(.+):(\d+)$/.exec(target);
  const ok = m ? await tryConnect(m[1]!.replace(/^\[|\]$/g, ''), Number(m[2]), timeoutMs) : await probePort(Number(target), timeoutMs);
  return ok ? 'listening' : 'unreachable';
}

/**
 * Probes now, then every `intervalMs`, calling `onChange` with the first result and each change.
 * Returns a stop function; the timer never keeps the process alive.
 */
export function watchLocal(target: string, onChange: (s: LocalState) => void, intervalMs = 2000): () => void {
  let last: LocalState | undefined;
  let stopped = false;
  const probe = async () => {
    const s = await probeLocal(target);
    if (stopped || s === last) return;
    last = s;
    onChange(s);
  };
  void probe();
  const t = setInterval(() => void probe(), intervalMs);
  t.unref();
  return () => {
    stopped = true;
    clearInterval(t);
  };
}
