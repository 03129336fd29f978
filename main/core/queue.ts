// pure: one queue for every operation that reads, changes and writes the settings or the engine's set of
// tunnels. Operations await the keychain and the engine between their read and their write; without the
// queue, two concurrent saves (or a start racing a remove) would each write over what the other did.

/** Runs each task after the previous one settled; a failed task does not stop the ones after it. */
type Serial = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
