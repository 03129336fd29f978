// shell helpers: timers that never hold the process open, and promises bounded in time.

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a waiter nobody awaits any more must not become an unhandled rejection
  return { promise, resolve, reject };
}

/** setTimeout, unref'd: a pending engine timer never keeps the process alive. */
export function timer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return t;
}

export const sleep = (ms: number) => new Promise<void>((r) => timer(r, ms));

/** Resolves when p settles or after ms, whichever is first; never rejects. */
export async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([p.then(() => {}, () => {}), sleep(ms)]);
}

/** True when p fulfils within ms; false when it rejects or takes longer. */
export function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true, () => false), sleep(ms).then(() => false)]);
}
