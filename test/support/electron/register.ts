// test support: import this before importing code that imports `electron` (a built entry); from then
// on `electron` resolves to ./index.ts, the recording stand-in, in this process. tsx (--import tsx)
// loads the .ts file.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

// CommonJS packages (electron-log) `require('electron')`: send those to the same stand-in. Node 22
// loads the ESM stand-in through require(esm), which shares the ESM module cache, so both see one instance.
import Module from 'node:module';
import { fileURLToPath } from 'node:url';

const STAND_IN_PATH = fileURLToPath(new URL('./index.ts', import.meta.url));
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const cjs = Module as unknown as { _load: Load };
const load = cjs._load;
cjs._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
  return load.call(this, request === 'electron' ? STAND_IN_PATH : request, parent, isMain);
};
