// glue: the log file for bug reports — electron-log's file transport (the Electron convention), capped at
// 1 MB per file and 3 files, every line through common/scrub.ts first so no secret reaches the disk.
import { dirname } from 'node:path';
import { renameSync, rmSync } from 'node:fs';
import log from 'electron-log/main';
import { scrub } from '../../common/scrub.js';
import type { LogPort } from '../ports.js';

const LOG_MAX_BYTES = 1024 * 1024;
/** porthole.log plus porthole.1.log and porthole.2.log. */
const LOG_FILES = 3;

/** Shift porthole.log → .1 → .2 (the oldest dropped): electron-log keeps a single `.old` file otherwise. */
function rotate(path: string): void {
  const nth = (i: number): string => (i === 0 ? path : path.replace(/\.log$/, `.${i}.log`));
  rmSync(nth(LOG_FILES - 1), { force: true });
  for (let i = LOG_FILES - 2; i >= 0; i--) {
    try {
      renameSync(nth(i), nth(i + 1));
    } catch {
      /* not there yet */
    }
  }
}

export interface FileLog {
  log: LogPort;
  /** The folder to open from the tray. */
  folder: string;
  /**
   * A secret value Porthole holds (the authtoken, a client secret, the FusionAuth API key): from now on
   * removed from every line in every encoding the scrubber knows, labelled or not.
   */
  knowSecret(value: string): void;
}

/** What a logged value reads as: text as is, an Error with its stack, anything else as JSON. */
const asText = (d: unknown): string => (typeof d === 'string' ? d : d instanceof Error ? (d.stack ?? d.message) : (JSON.stringify(d) ?? String(d)));

/** The app's LogPort writing to `<userData>/logs/porthole.log`, and the folder to open from the tray. */
export function createFileLog(): FileLog {
  const known = new Set<string>();
  log.transports.file.fileName = 'porthole.log';
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.archiveLogFn = (file) => rotate(file.path);
  // the log may name people who visited and the hosts they used: this user's only
  log.transports.file.writeOptions = { ...log.transports.file.writeOptions, mode: 0o600 };
  log.transports.console.level = false;
  // The one scrubber: every known secret in all its forms, and labelled ones (authtoken=…, secret: …).
  log.hooks.push((message) => ({ ...message, data: message.data.map((d) => scrub(asText(d), [...known])) }));
  return {
    log: (line) => log.info(line),
    folder: dirname(log.transports.file.getFile().path),
    knowSecret: (value) => void (value.length >= 4 && known.add(value)),
  };
}
