// test: the whole project type-checks, one program per target, the Electron glue included against
// electron's own typings. Electron can't run here, so this is the only check the glue gets: it must stay thin.
// main (with the preload) gets Node's types and no DOM; the renderer gets the DOM and no Node types;
// common/ is in both, so it can lean on neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve, sep } from 'node:path';
import { GLUE_FILES } from './boundaries.js';

const require = createRequire(import.meta.url);

/** Runs tsc --noEmit --listFiles over one tsconfig; returns the files in the program. */
function typecheck(config: string): string[] {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', config, '--noEmit', '--listFiles'], { encoding: 'utf8', timeout: 120_000 });
  const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.deepEqual(errors, [], `tsc -p ${config} reported errors`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => resolve(l));
}

test('main (tsconfig.json): passes, checks every glue file against electron.d.ts, has Node types and no DOM', () => {
  const listed = typecheck('tsconfig.json');
  const set = new Set(listed);
  for (const glue of GLUE_FILES) assert.ok(set.has(resolve(glue)), `${glue} is part of the type-checked program`);
  assert.ok(listed.some((f) => f.endsWith('node_modules/electron/electron.d.ts')), "electron's typings are part of the program");
  assert.ok(listed.some((f) => f.includes('node_modules/@types/node/')), 'Node types are in');
  assert.ok(!listed.some((f) => /lib\.dom(\.iterable)?\.d\.ts$/.test(f)), 'the DOM lib is out');
  assert.ok(set.has(resolve('common/contract.ts')) && !listed.some((f) => f.startsWith(resolve('renderer') + sep)));
});

test('renderer (tsconfig.renderer.json): passes, has the DOM and no Node types', () => {
  const listed = typecheck('tsconfig.renderer.json');
  assert.ok(listed.some((f) => /lib\.dom\.d\.ts$/.test(f)), 'the DOM lib is in');
  assert.ok(!listed.some((f) => f.includes('node_modules/@types/node/')), 'Node types are out');
  assert.ok(listed.includes(resolve('renderer/app.ts')) && listed.includes(resolve('common/contract.ts')));
  assert.ok(!listed.some((f) => f.startsWith(resolve('main') + sep) || f.startsWith(resolve('preload') + sep)), 'no main/ or preload/ file in the renderer program');
});
