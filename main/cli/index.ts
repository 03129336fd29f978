#!/usr/bin/env node
// shell: the `porthole` command: share | policy | check | fusionauth setup | help, dispatched to one module each, loaded only
// when chosen: `share`'s first process must stay one bare Node (see launch.ts).
import module from 'node:module';
import { readFileSync } from 'node:fs';
import type { CliIo } from './command.js';
import { launchShare, WORKER_COMMAND } from './launch.js';
import { signalPromise } from './signals.js';

// A command starts cold every time: Node's on-disk code cache (22.1+) spares recompiling the same
// modules (zod, the SDK's loader, …) on each start. Static imports above are only the thin ones; the
// parser and help screens (parse.ts) load when a command needs them, so \`share\` starts its worker at once.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** How to start this very command again (for `share`'s worker); absent when embedded. */
type Self = { worker?: { command: string; args: string[] } };

/** The package's version: the nearest package.json named porthole above this module (src or dist). */
function version(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'porthole' && pkg.version) return pkg.version;
    } catch {
      // not here: one folder up
    }
  }
  return 'unknown';
}

/** `porthole frobnicate`: the error, with the closest command when it looks like a typo. */
async function unknown(what: string, word: string): Promise<string> {
  const [{ closest }, { FIRST_WORDS }] = await Promise.all([import('./parse.js'), import('./commands.js')]);
  const near = closest(word, FIRST_WORDS);
  return `porthole: ${what} "${word}"${near ? `; did you mean "${near}"?` : ''} (commands: ${FIRST_WORDS.join(', ')})`;
}

const helpText = async (name: 'share' | 'policy' | 'check' | 'fusionauth setup') => (await import('./parse.js')).helpText(name);
const overviewText = async () => (await import('./parse.js')).overviewText();

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo & Self): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'share':
      if (io.worker) {
        // Help is answered here; everything else (refused flags too) by the worker, started at once.
        if ((rest.includes('--help') || rest.includes('-h')) && (await import('./parse.js')).wantsHelp(rest)) return void io.stdout(await helpText('share')), 0;
        return launchShare(rest, io, io.worker);
      }
      return (await import('./share.js')).shareCommand(rest, io);
    case WORKER_COMMAND:
      return (await import('./worker.js')).shareWorker();
    case 'policy':
      return (await import('./policy.js')).policyCommand(rest, io);
    case 'check':
      return (await import('./check.js')).checkCommand(rest, io);
    case 'fusionauth': {
      const sub = rest[0];
      // `porthole fusionauth`, `porthole fusionauth --help`: its one subcommand's help.
      if (sub === undefined || sub === '--help' || sub === '-h') {
        (sub ? io.stdout : io.stderr)(await helpText('fusionauth setup'));
        return sub ? 0 : 2;
      }
      return (await import('./fusionauth-setup.js')).runFusionauthSetup(rest, io);
    }
    case '--version':
    case '-v':
    case 'version':
      io.stdout(`porthole ${version()}\n`);
      return 0;
    case 'help': {
      // `porthole help share` is `porthole share --help`; `help fusionauth` shows its subcommand's.
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout(await overviewText());
        return 0;
      }
      if (topic === 'share' || topic === 'policy' || topic === 'check') return void io.stdout(await helpText(topic)), 0;
      if (topic === 'fusionauth') return void io.stdout(await helpText('fusionauth setup')), 0;
      io.stderr(`${await unknown('no command', topic)}\n`);
      return 2;
    }
    case undefined:
    case '--help':
    case '-h':
      io.stdout(await overviewText());
      return cmd === undefined ? 2 : 0;
    default:
      io.stderr(`${await unknown('unknown command', cmd)}\n\n${await overviewText()}`);
      return 2;
  }
}

// `porthole share … | head -1`: once the reader is gone, writes fail with EPIPE. That is the reader
// saying "enough": stop the tunnel cleanly and exit quietly, as Ctrl-C would.
let stdoutGone = false;
let onStdoutGone: (() => void) | undefined;
const stdoutClosed = new Promise<string>((resolve) => (onStdoutGone = () => resolve('EPIPE')));
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stdoutGone = true;
  onStdoutGone?.();
});

const io: CliIo & Self & { stopSignal: () => Promise<string> } = {
  stdout: (s) => void (stdoutGone || process.stdout.write(s)),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  stopSignal: () => Promise.race([signalPromise(), stdoutClosed]),
  // `share` runs in a second copy of this very command (see launch.ts).
  ...(process.argv[1] ? { worker: { command: process.execPath, args: [...process.execArgv, process.argv[1]] } } : {}),
};

main(process.argv.slice(2), io).then(
  (code) => {
    // Let stdout drain before exiting (a pipe may be slow to read); a closed one has nothing to drain.
    if (stdoutGone) process.exit(code);
    else process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`porthole: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
