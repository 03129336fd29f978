// script: `npm test [files…]`: every test/**/*.test.ts (or the files named), one file at a time, each
// in its own Node process with node's test runner (TypeScript through tsx).
//
// No test can hang the suite. Each file's tests run inside its own runner process
// (--experimental-test-isolation=none), where --test-timeout is a per-test default: a test (or a
// describe, for all of its tests together) that sets no `timeout` of its own fails after
// TEST_TIMEOUT_MS. Hooks and anything else are bounded by FILE_TIMEOUT_MS: past it the file's whole
// process group is killed and the file counts as failed. --test-force-exit ends a file once its tests
// are done even if a handle (a child's pipe, a socket) would keep it alive.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

/** Default per-test budget; generous for a loaded machine, short next to "forever". */
const TEST_TIMEOUT_MS = 120_000;
/** Ceiling for one file, hooks included. */
const FILE_TIMEOUT_MS = 600_000;

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const COUNTS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];

/** The totals in a TAP file's closing `# name N` lines (zeros if the file never got that far). */
function tapTotals(tap) {
  const totals = Object.fromEntries(COUNTS.map((k) => [k, 0]));
  for (const m of tap.matchAll(/^# (\w+) (\d+)$/gm)) if (m[1] in totals) totals[m[1]] = Number(m[2]);
  return totals;
}

let current; // the running file's process, for Ctrl-C
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current?.pid) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

/** Runs one test file; resolves with its exit status (null when killed) and whether it hit the ceiling. */
function runFile(file, tapFile) {
  const reporter = process.stdout.isTTY ? 'spec' : 'tap';
  const args = [
    '--import',
    'tsx',
    '--test',
    '--experimental-test-isolation=none',
    '--test-force-exit',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    `--test-reporter=${reporter}`,
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    file,
  ];
  // Its own process group, so the ceiling takes the CLI processes and browsers it started with it.
  const child = spawn(process.execPath, args, { stdio: 'inherit', detached: true });
  current = child;
  return new Promise((resolve) => {
    let timedOut = false;
    const ceiling = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, FILE_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(ceiling);
      current = undefined;
      // Whatever the file started and left behind (a CLI process, a browser) goes with it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
      resolve({ code, timedOut });
    });
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
const tapDir = mkdtempSync(join(tmpdir(), 'porthole-test-'));
const total = Object.fromEntries(COUNTS.map((k) => [k, 0]));
const failed = [];
const started = Date.now();
try {
  for (const [i, file] of files.entries()) {
    const tapFile = join(tapDir, `${i}.tap`);
    const { code, timedOut } = await runFile(file, tapFile);
    let tap = '';
    try {
      tap = readFileSync(tapFile, 'utf8');
    } catch {
      // the process died before writing any
    }
    const t = tapTotals(tap);
    for (const k of COUNTS) total[k] += t[k];
    if (timedOut) failed.push(`${file} (killed after ${FILE_TIMEOUT_MS / 1000} s)`);
    else if (code !== 0) failed.push(file);
  }
} finally {
  rmSync(tapDir, { recursive: true, force: true });
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
if (files.length > 1) console.log(`\n${files.length} files in ${secs} s: ${COUNTS.map((k) => `${k} ${total[k]}`).join(', ')}`);
if (failed.length) console.log(`failed files:\n${failed.map((f) => `  ${f}`).join('\n')}`);
process.exit(failed.length ? 1 : 0);
