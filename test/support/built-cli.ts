// support: the `porthole` command as the plain JavaScript a user runs, for tests that start it as a
// process. esbuild transpiles main/ and common/ module by module (as tsc does for `npm run build`, in
// well under a second instead of tsc's ten or more) into a temporary folder whose node_modules links
// to the checkout's. Each process then starts as one bare Node: no tsx loader, no esbuild service
// process beside it, no transform on the way in.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export interface BuiltCli {
  /** The built entry: `node <entry> share …`. */
  entry: string;
  remove(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-cli-build-'));
  await build({
    entryPoints: [...tsFiles('main'), ...tsFiles('common')],
    outdir: dir,
    outbase: ROOT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // `"type": "module"` for the .js files, and the name and version `porthole --version` looks for
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return { entry: join(dir, 'main', 'cli', 'index.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

