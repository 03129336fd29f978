// test: the docs describe the code as it is. Every repository path a guide names exists; main/README.md
// names every folder and top-level file of main/; each folder guide's table lists every file there;
// every source file opens with the role line the guides promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** The guides, each with the part of it that speaks about this repository (style.md also cites other repositories). */
const GUIDES: Record<string, (text: string) => string> = {
  'README.md': (t) => t,
  'docs/README.md': (t) => t,
  'main/README.md': (t) => t,
  'main/engine/README.md': (t) => t,
  'main/core/README.md': (t) => t,
  'docs/style.md': (t) => t.slice(t.indexOf('## What Porthole takes from them'), t.indexOf('## Anti-patterns')),
};

const TOP = ['main', 'common', 'preload', 'renderer', 'test', 'bench', 'scripts', 'docs', 'assets'];
/**
 * Named in the guides, absent from a checkout: what the build, the tests and the app make, and the
 * files of other repositories docs/style.md compares Porthole with.
 */
const ELSEWHERE = new Set([
  'dist/', 'release/', 'test-output/', 'dist/main/cli/index.js', // made by the build and the tests
  'settings.json', 'secrets.json', // the app's files in the user's settings folder
  'docs/api/ipc-main.md', 'upgradePreferences.ts', 'tap/.browser.ts', 'AGENTS.md', // electron, mattermost, openid-client
]);

/** Every file name at the top and under the source folders, for guides that name a file without its folder. */
const FILE_NAMES = new Set([
  ...readdirSync(ROOT),
  ...TOP.flatMap((d) => (existsSync(join(ROOT, d)) ? readdirSync(join(ROOT, d), { recursive: true }).map((f) => String(f).split('/').pop()!) : [])),
]);

/**
 * Paths in `code spans` that look like this repository's files or folders (globs cut at their first
 * `*`). Spans that are system paths (`~/…`, `/…`), URLs or package names (`@scope/name`) are not.
 */
function namedPaths(text: string): string[] {
  const out: string[] = [];
  // a fenced block's lines start with a path (the layout table in docs/style.md); only that first word counts
  const fenced = [...text.matchAll(/^```\w*\n([\s\S]*?)^```/gm)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? ''));
  const spans = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  for (const span of [...fenced.filter(Boolean), ...spans]) {
    if (/^[~/]|:\/\//.test(span)) continue;
    for (const word of span.split(/[\s,()]+/)) {
      const path = word.replace(/[*].*$/, '').replace(/[.:;]+$/, '');
      if (path.startsWith('@')) continue;
      if (/^[\w.-]+(\/[\w@.-]*)+$/.test(path) || /^[\w-]+\.(ts|mjs|cjs|md|json|yml|yaml|html|css)$/.test(path)) out.push(path);
    }
  }
  return out;
}

test('the path finder reads code spans, cuts globs and skips prose, system paths and packages', () => {
  assert.deepEqual(namedPaths('see `main/glue/*` and `engine/README.md`, not main/x.ts; `a b/c.ts` `npm test` `~/.ngrok2/ngrok.yml` `@ngrok/ngrok` `x.ts`'), ['main/glue/', 'engine/README.md', 'b/c.ts', 'x.ts']);
  assert.deepEqual(namedPaths('```\nmain/window.ts   glue  opens main/other.ts\n```\n'), ['main/window.ts']);
});

test('every path a guide names exists', () => {
  const missing: string[] = [];
  for (const [guide, part] of Object.entries(GUIDES)) {
    for (const p of namedPaths(part(read(guide)))) {
      // from the root, from the guide's folder, or from a top folder (the README speaks of `engine/state.ts` in main/)
      const found = ELSEWHERE.has(p) || (p.includes('/')
        ? [ROOT, join(ROOT, dirname(guide)), ...TOP.map((d) => join(ROOT, d))].some((base) => existsSync(join(base, p)))
        : FILE_NAMES.has(p));
      if (!found) missing.push(`${guide}: ${p}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('main/README.md names every folder and every top-level file of main/', () => {
  const text = read('main/README.md');
  const entries = readdirSync(join(ROOT, 'main'), { withFileTypes: true });
  const unnamed = entries
    .filter((e) => e.name !== 'README.md')
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .filter((n) => !text.includes(`\`${n}\``));
  assert.deepEqual(unnamed, []);
});

test('each folder guide\'s table lists every file in its folder, and only those', () => {
  for (const dir of ['main/engine', 'main/core']) {
    const rows = [...read(`${dir}/README.md`).matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!).sort();
    const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).sort();
    assert.deepEqual(rows, files, dir);
  }
});

/** The roles main/README.md and docs/style.md define. */
const ROLE_LINE = /^(\/\/|\/\*) (pure|shell|adapter|core|glue|browser)( [a-z]+)?: \S/;
/** Files that still open without their role; an entry that no longer needs excusing fails the test too. */
const ROLE_MISSING = new Set<string>();

test('every source file of the app opens with its role (pure, shell, adapter, core, glue, browser)', () => {
  const files = ['main', 'common', 'preload', 'renderer'].flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true }).map((f) => `${d}/${String(f)}`).filter((f) => /\.(ts|css)$/.test(f)),
  );
  assert.ok(files.length > 50, `${files.length} files`);
  const without = files.filter((f) => {
    const [first, second] = read(f).split('\n');
    return !ROLE_LINE.test(first!.startsWith('#!') ? second ?? '' : first!);
  });
  assert.deepEqual(without.filter((f) => !ROLE_MISSING.has(f)), [], 'files without a role line');
  assert.deepEqual([...ROLE_MISSING].filter((f) => !without.includes(f)), [], 'excused, but has its role line now: remove it from ROLE_MISSING');
});
