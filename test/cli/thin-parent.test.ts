// test: `porthole share`'s first process stays one bare Node: the modules it loads before starting
// the worker import nothing but Node built-ins and each other (types are erased). What the worker
// loads is measured by `npm run bench`; this keeps a stray import from undoing it unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const CLI = new URL('../../main/cli/', import.meta.url);
const PARENT = ['index.ts', 'launch.ts', 'signals.ts', 'command.ts', 'commands.ts', 'parse.ts', 'json-output.ts'];
/** Shared modules the parent may load: each imports nothing itself (checked below). */
const SHARED = ['../../common/scrub.js'];

/** The static, value-level imports of a module (`import type` and dynamic imports excluded). */
function valueImports(file: string): string[] {
  const text = readFileSync(new URL(file, CLI), 'utf8');
  return [...text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

test("share's parent process imports only Node built-ins and its own thin modules", () => {
  for (const file of PARENT) {
    const bad = valueImports(file).filter((spec) => !spec.startsWith('node:') && !SHARED.includes(spec) && !PARENT.includes(spec.replace(/^\.\//, '').replace(/\.js$/, '.ts')));
    assert.deepEqual(bad, [], `${file} imports ${bad.join(', ')}`);
  }
  for (const spec of SHARED) assert.deepEqual(valueImports(spec.replace(/\.js$/, '.ts')), [], `${spec} imports nothing`);
  assert.ok(valueImports('index.ts').includes('./launch.js'), 'the check sees the imports');
});

test('the worker imports share, never the other way round (no cycle)', () => {
  assert.ok(valueImports('worker.ts').includes('./share.js'));
  for (const file of ['share.ts', 'args.ts']) {
    const text = readFileSync(new URL(file, CLI), 'utf8');
    assert.doesNotMatch(text, /['"]\.\/(worker|launch|index)\.js['"]/, file);
  }
});
