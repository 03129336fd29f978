// test: `porthole share`'s first process stays one bare Node: the modules it loads before starting
// the worker import nothing but Node built-ins and each other (types are erased). What the worker
// loads is measured by `npm run bench`; this keeps a stray import from undoing it unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const CLI = new URL('../../main/cli/', import.meta.url);
const PARENT = ['index.ts', 'launch.ts', 'signals.ts'];
/** Shared modules the parent may load: each imports nothing itself (checked below). */
const SHARED: string[] = [];
/** What the parent loads on demand for `share --help`: thin as well. */
const HELP = ['parse.ts', 'commands.ts'];

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
  for (const file of HELP) {
    const bad = valueImports(file).filter((spec) => !spec.startsWith('node:') && !HELP.includes(spec.replace(/^\.\//, '').replace(/\.js$/, '.ts')));
    assert.deepEqual(bad, [], `${file} imports ${bad.join(', ')}`);
  }
  assert.ok(valueImports('index.ts').includes('./launch.js'), 'the check sees the imports');
});

test('the worker imports share, never the other way round (no cycle)', () => {
  assert.ok(valueImports('worker.ts').includes('./share.js'));
  for (const file of ['share.ts', 'args.ts']) {
    const text = readFileSync(new URL(file, CLI), 'utf8');
    assert.doesNotMatch(text, /['"]\.\/(worker|launch|index)\.js['"]/, file);
  }
});

/** Every module `file` loads statically (value imports), and the packages among them. */
function staticGraph(file: URL, seen = new Set<string>(), packages = new Set<string>()): { seen: Set<string>; packages: Set<string> } {
  if (seen.has(file.href)) return { seen, packages };
  seen.add(file.href);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
    if (spec!.startsWith('.')) staticGraph(new URL(spec!.replace(/\.js$/, '.ts'), file), seen, packages);
    else if (!spec!.startsWith('node:')) packages.add(spec!);
  }
  return { seen, packages };
}

test("share's worker loads, before its tunnel connects, only what that needs: no YAML parser, no FusionAuth or proxy library", () => {
  const { seen, packages } = staticGraph(new URL('worker.ts', CLI));
  assert.ok(packages.has('@ngrok/ngrok') && packages.has('zod'), [...packages].join());
  for (const late of ['yaml', 'openid-client', 'oauth4webapi', '@fusionauth/typescript-client', 'http-proxy-3', 'qrcode', 'electron-log', 'conf']) {
    assert.ok(!packages.has(late), `${late} is loaded before it is needed`);
  }
  assert.ok(![...seen].some((f) => f.endsWith('/system/ngrok-config.ts')), 'the ngrok config reader loads only without NGROK_AUTHTOKEN');
});
