// bench: the JavaScript a user runs, built for the process benchmarks. The CLI and engine are
// measured as plain node processes (no tsx loader in them, as after `npm run build`): esbuild
// transpiles main/ and common/ module by module, like tsc does, into a temporary folder whose
// node_modules is a link to ours. The raw-SDK scripts they are compared with are written beside them.
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * A 10-line `share` on the raw SDK: one session, one listener, one JSON line when online.
 * Args: <addr> <server_addr> <ca file>; the authtoken from NGROK_AUTHTOKEN, as for `porthole share`.
 */
const RAW_SHARE = `import { readFileSync } from 'node:fs';
import ngrok from '@ngrok/ngrok';
const [addr, server_addr, ca] = process.argv.slice(2);
const l = await ngrok.forward({ addr, authtoken: process.env.NGROK_AUTHTOKEN, server_addr, session_ca_cert: readFileSync(ca, 'utf8') });
console.log(JSON.stringify({ state: 'online', url: l.url() }));
const keep = setInterval(() => {}, 1 << 30);
process.once('SIGTERM', () => void l.close().finally(() => clearInterval(keep)));
`;

export interface BenchBuild {
  dir: string;
  /** The built `porthole` command. */
  cli: string;
  /** The raw-SDK share script. */
  rawShare: string;
  /** The compiled module of a repository path (main/engine/engine.ts → <dir>/main/engine/engine.js). */
  module(path: string): string;
  /** Writes a script into the build (so it resolves node_modules) and returns its path. */
  script(name: string, text: string): string;
  remove(): void;
}

export async function buildForBench(): Promise<BenchBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-'));
  await build({
    entryPoints: [...tsFiles('main'), ...tsFiles('common')],
    outdir: dir,
    outbase: ROOT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const script = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return {
    dir,
    cli: join(dir, 'main/cli/index.js'),
    rawShare: script('raw-share.mjs', RAW_SHARE),
    module: (path) => join(dir, relative('.', path).replace(/\.ts$/, '.js')),
    script,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
