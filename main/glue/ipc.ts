// glue: binds each invoke channel of common/contract.ts to its handler (main/ipc/handlers.ts via app.ts).
// Handlers check the sender and validate the payload themselves; this file only passes the frame's URL on,
// and tells `onSecret` each secret a payload carries (an API key used once is never stored, yet must
// never reach the log file).

import { ipcMain } from 'electron';
import { CHANNELS, INVOKE_KEYS, type Handlers } from '../../common/contract.js';
import { payloadSecrets } from '../ipc/handlers.js';

/** Registers every invoke channel; returns a function that removes them again. */
export function registerIpc(handlers: Handlers, onSecret: (value: string) => void = () => {}): () => void {
  for (const key of INVOKE_KEYS) {
    // senderFrame is null once the frame is gone: an empty URL is never a trusted sender
    ipcMain.handle(CHANNELS[key], (event, payload: unknown) => {
      for (const s of payloadSecrets(payload)) onSecret(s);
      return handlers[key](event.senderFrame?.url ?? '', payload);
    });
  }
  return () => {
    for (const key of INVOKE_KEYS) ipcMain.removeHandler(CHANNELS[key]);
  };
}
