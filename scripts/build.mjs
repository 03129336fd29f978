// script: `npm run build`. main/ and common/ (and the preload/ modules) through tsc into dist/;
// the preload bundled by esbuild into one CommonJS file (a sandboxed preload can't be ESM and can
// require nothing but `electron`); the renderer bundled into one script; static files and assets copied.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** Electron 45 ships Chromium 142 and Node 22. */
const CHROME_TARGET = 'chrome142';

/** Runs tsc with `args`; throws with its output on any error. */
function tsc(args) {
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
}

/**
 * Type-checks both targets (tsconfig.json: main, preload and common with Node types; tsconfig.renderer.json:
 * renderer and common with the DOM) and emits the first into `outDir`; throws on any error.
 */
export function compileMain(outDir = DIST) {
  tsc(['-p', join(ROOT, 'tsconfig.renderer.json')]);
  tsc(['-p', join(ROOT, 'tsconfig.json'), '--outDir', outDir]);
  // the preload entry is bundled below; tsc's per-module ESM output of it is not what ships
  for (const f of ['index.js', 'index.js.map', 'index.d.ts']) rmSync(join(outDir, 'preload', f), { force: true });
}

/** Bundles preload/index.ts into one CommonJS file whose only require is `electron`. */
export async function buildPreload(outfile = join(DIST, 'preload', 'index.cjs')) {
  await build({
    entryPoints: [join(ROOT, 'preload', 'index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: CHROME_TARGET,
    external: ['electron'],
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}

/** Bundles renderer/app.ts into one classic script (no module loading over file://). */
export async function buildRenderer(outdir = join(DIST, 'renderer')) {
  await build({
    entryPoints: [join(ROOT, 'renderer', 'app.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: CHROME_TARGET,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const name of readdirSync(join(ROOT, 'renderer'))) {
    if (/\.(html|css|svg|png)$/.test(name)) cpSync(join(ROOT, 'renderer', name), join(outdir, name));
  }
  return outdir;
}

/** Copies assets/ (tray and app icons) to dist/assets. */
export function copyAssets(outdir = join(DIST, 'assets')) {
  mkdirSync(outdir, { recursive: true });
  for (const name of readdirSync(join(ROOT, 'assets'))) {
    if (name.endsWith('.png')) cpSync(join(ROOT, 'assets', name), join(outdir, name));
  }
  return outdir;
}

/** The whole build, from a clean `outDir` (dist/ by default; tests build into a temporary folder). */
export async function buildAll(outDir = DIST) {
  rmSync(outDir, { recursive: true, force: true });
  compileMain(outDir);
  await buildPreload(join(outDir, 'preload', 'index.cjs'));
  await buildRenderer(join(outDir, 'renderer'));
  copyAssets(join(outDir, 'assets'));
  // package.json's bin.porthole; npm sets the bit on install, but `npm link` and direct runs need it here
  const cli = join(outDir, 'main', 'cli', 'index.js');
  if (existsSync(cli)) chmodSync(cli, 0o755);
  else console.warn('build: dist/main/cli/index.js not found; bin.porthole will not run');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAll().then(
    () => console.log('build: dist/ ready'),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
