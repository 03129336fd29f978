// pure: an operation's expected refusal, carried to the window as `{ ok: false, error, errors }`
// and to the tray as a notification.
import type { PortholeError } from '../../common/types.js';

export class OpError extends Error {
  constructor(
    readonly error: PortholeError,
    readonly errors: PortholeError[] = [error],
  ) {
    super(error.message);
    this.name = 'OpError';
  }
}

/** Refuse: throws an OpError with the first error and all of them. */
export const fail = (e: PortholeError, all?: PortholeError[]): never => {
  throw new OpError(e, all);
};

/** Refuse with every error of a failed parse (there is always at least one). */
export const failAll = (errors: PortholeError[]): never => fail(errors[0]!, errors);
