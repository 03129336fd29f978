// test: the architecture's boundaries. Only the glue loads electron; every other library the app loads
// has its one adapter file (docs/style.md: one adapter per library); no import circles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { ADAPTERS, allImports, GLUE_FILES, importCycles, isPackage, runtimeImports } from './boundaries.js';

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const rel = (p: string): string => relative('.', p).split(sep).join('/');
const imports = (dirs: string[]): Map<string, string[]> =>
  new Map(dirs.flatMap(sources).map((f) => [rel(f), runtimeImports(f, readFileSync(f, 'utf8'))]));

/** The shipped app: what runs in Electron's main, preload and renderer processes. */
const APP = imports(['common', 'main', 'preload', 'renderer']);
/** Everything Node loads outside the app: tests, benchmarks, scripts. None of it can load Electron. */
const TOOLING = imports(['test', 'bench', 'scripts']);

const importers = (files: Map<string, string[]>, pkg: string): string[] =>
  [...files].filter(([, specs]) => specs.some((s) => isPackage(s, pkg))).map(([f]) => f).sort();

test('the import scanner tells run-time imports from type-only ones', () => {
  const sample = [
    "import type { App } from 'electron';",
    "import { type Tray } from 'electron/main';",
    "export type { Config } from '@ngrok/ngrok';",
    "export { forward } from '@ngrok/ngrok';",
    "const m = await import('openid-client');",
    "const s = require('electron-store');",
    "type T = typeof import('conf');",
    "const y = createRequire(import.meta.url)('yaml');",
  ].join('\n');
  assert.deepEqual(runtimeImports('sample.ts', sample), ['electron/main', '@ngrok/ngrok', 'openid-client', 'electron-store', 'yaml']);
});

test('each library the app loads at run time is loaded by its adapter only (electron: the glue)', () => {
  const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  const loaders = new Map<string, string[]>();
  for (const [file, specs] of APP) {
    for (const spec of specs) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      const pkg = packageOf(spec);
      if (pkg === 'electron') continue; // its own test above
      loaders.set(pkg, [...new Set([...(loaders.get(pkg) ?? []), file])].sort());
    }
  }
  // A new library gets its line in ADAPTERS (test/shell/boundaries.ts), naming the one file that wraps it.
  assert.deepEqual(Object.fromEntries([...loaders].sort()), Object.fromEntries(Object.entries(ADAPTERS).map(([k, v]) => [k, [...v].sort()]).sort()));
});

test('only the glue files import electron, and each of them does', () => {
  const allowed = new Set<string>(GLUE_FILES);
  assert.deepEqual(importers(APP, 'electron').filter((f) => !allowed.has(f)), []);
  assert.deepEqual(importers(TOOLING, 'electron'), [], 'tests, bench and scripts never load electron');
  // a glue file that stopped importing electron should leave this list (and so lose its exemption)
  const present = GLUE_FILES.filter((f) => APP.has(f));
  assert.deepEqual(importers(APP, 'electron').filter((f) => allowed.has(f)), [...present].sort());
  assert.ok(present.includes('main/index.ts') && present.includes('preload/index.ts'));
});

test('only main/glue/electron-store.ts imports electron-store', () => {
  assert.deepEqual(importers(APP, 'electron-store'), ['main/glue/electron-store.ts']);
  assert.deepEqual(importers(TOOLING, 'electron-store'), []);
});

test('only main/tunnel/ngrok.ts imports @ngrok/ngrok at run time', () => {
  const files = importers(APP, '@ngrok/ngrok');
  assert.ok(files.every((f) => f === 'main/tunnel/ngrok.ts'), `also in: ${files.join(', ')}`);
});

test('only main/oidc/ imports openid-client', () => {
  const files = importers(APP, 'openid-client');
  assert.ok(files.every((f) => f.startsWith('main/oidc/')), `also in: ${files.join(', ')}`);
});

test('the renderer loads no Node or Electron module: it talks only to window.porthole', () => {
  const builtin = new Set(builtinModules);
  for (const [file, specs] of APP) {
    if (!file.startsWith('renderer/')) continue;
    const banned = specs.filter((s) => s.startsWith('node:') || builtin.has(s.split('/')[0]!) || isPackage(s, 'electron'));
    assert.deepEqual(banned, [], `${file} imports ${banned.join(', ')}`);
  }
});

test('common/ is shared by all three processes: it imports nothing but common/ (no package, no Node, no DOM-only module)', () => {
  const files = [...APP.keys()].filter((f) => f.startsWith('common/'));
  assert.ok(files.length >= 4, `common/ holds ${files.join(', ')}`);
  for (const f of files) {
    const specs = allImports(f, readFileSync(f, 'utf8'));
    const outside = specs.filter((s) => !s.startsWith('./'));
    assert.deepEqual(outside, [], `${f} imports ${outside.join(', ')}`);
  }
});

/** Every project file with the project files it imports (type-only imports included), by path. */
function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of dirs.flatMap(sources).map(rel)) {
    const local = allImports(f, readFileSync(f, 'utf8')).filter((s) => s.startsWith('.'));
    graph.set(f, local.map((s) => join(dirname(f), s).split(sep).join('/').replace(/\.js$/, '.ts')));
  }
  return graph;
}

test('the cycle finder finds a circle, and only a circle', () => {
  const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]]);
  assert.deepEqual(importCycles(g), [['a', 'b', 'c'], ['e']]);
  assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', []]])), []);
});

test('no import circles in common/, main/, preload/ or renderer/ (type-only imports count too)', () => {
  const graph = importGraph(['common', 'main', 'preload', 'renderer']);
  assert.ok(graph.has('main/index.ts') && graph.get('main/app.ts')?.length, 'the graph is built');
  assert.deepEqual(importCycles(graph), []);
});
