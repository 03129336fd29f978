// script: `npm test [files…]`: every test/**/*.test.ts (or the files named), each in its own Node
// process with node's test runner (TypeScript through tsx). Two files run at a time (the machines have
// two cores and most tests wait on sockets and child processes), except the files that measure time or
// memory, which run afterwards one at a time so nothing else competes with what they measure. Each
// file's output is printed whole once it finished, so files never interleave.
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

/** Files whose tests measure time or memory, or wait on recovery timings (the share CLI): run alone, after the others. */
const ALONE = /(memory|recovery|held-domain|visitors|inspect|transparent|real-apps|cli)\.test\.ts$/;
/** How many other files run at once. */
const LANES = 2;

const running = new Set(); // the running files' processes, for Ctrl-C
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) {
      try {
        process.kill(-child.pid, 'SIGKILL');
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
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const out = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
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
    child.on('close', (code) => {
      clearTimeout(ceiling);
      running.delete(child);
      process.stdout.write(Buffer.concat(out));
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
/** Runs one file and adds up its results. */
async function one(file, i) {
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

try {
  const indexed = files.map((f, i) => [f, i]);
  const shared = indexed.filter(([f]) => !ALONE.test(f));
  const alone = indexed.filter(([f]) => ALONE.test(f));
  let next = 0;
  const lane = async () => {
    while (next < shared.length) {
      const [f, i] = shared[next++];
      await one(f, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, shared.length) }, lane));
  for (const [f, i] of alone) await one(f, i);
} finally {
  rmSync(tapDir, { recursive: true, force: true });
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
if (files.length > 1) console.log(`\n${files.length} files in ${secs} s: ${COUNTS.map((k) => `${k} ${total[k]}`).join(', ')}`);
if (failed.length) console.log(`failed files:\n${failed.map((f) => `  ${f}`).join('\n')}`);
process.exit(failed.length ? 1 : 0);
