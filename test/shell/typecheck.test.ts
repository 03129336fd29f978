// test: the whole project, the Electron glue included, type-checks against electron's own typings.
// Electron itself can't run here, so this is the only check the glue gets: it must stay thin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { GLUE_FILES } from './boundaries.js';

const require = createRequire(import.meta.url);

test('tsc --noEmit over tsconfig.json passes, and checks every glue file against electron.d.ts', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', '--listFiles'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const listed = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => resolve(l)));
  const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.deepEqual(errors, [], 'tsc reported errors');
  assert.equal(r.status, 0, r.stderr);
  for (const glue of GLUE_FILES) assert.ok(listed.has(resolve(glue)), `${glue} is part of the type-checked program`);
  assert.ok(
    [...listed].some((f) => f.endsWith(`${'node_modules'}/electron/electron.d.ts`)),
    "electron's typings are part of the program",
  );
});
