#!/usr/bin/env node
// shell: the `porthole` command: share | policy | check, dispatched to one module each, loaded only
// when chosen: `share`'s first process must stay one bare Node (see launch.ts).
import module from 'node:module';
import { readFileSync } from 'node:fs';
import type { CliIo } from './args.js';
import { launchShare, WORKER_COMMAND } from './launch.js';
import { signalPromise } from './signals.js';

// A command starts cold every time: Node's on-disk code cache (22.1+) spares recompiling the same
// modules (zod, the SDK's loader, …) on each start. Static imports above are only the thin ones.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** How to start this very command again (for `share`'s worker); absent when embedded. */
type Self = { worker?: { command: string; args: string[] } };

const USAGE = `Usage: porthole <command> [flags]

Commands:
  share <port|host:port>   share a local app through ngrok with FusionAuth sign-in, until Ctrl-C
  policy <port|host:port>  print the ngrok Traffic Policy "share" would attach (YAML)
  check                    check a FusionAuth setup before going live
  fusionauth setup         set FusionAuth up from an API key (application, grants, redirect URL, issuer)

Run "porthole help <command>" (or "porthole <command> --help") for its flags;
"porthole --version" prints the version.`;

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

const COMMANDS = ['share', 'policy', 'check', 'fusionauth'];

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo & Self): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'share':
      if (io.worker) return launchShare(rest, io, io.worker);
      return (await import('./share.js')).shareCommand(rest, io);
    case WORKER_COMMAND:
      return (await import('./worker.js')).shareWorker();
    case 'policy':
      return (await import('./policy.js')).policyCommand(rest, io);
    case 'check':
      return (await import('./check.js')).checkCommand(rest, io);
    case 'fusionauth':
      return (await import('./fusionauth-setup.js')).runFusionauthSetup(rest, io);
    case '--version':
    case '-v':
    case 'version':
      io.stdout(`porthole ${version()}\n`);
      return 0;
    case 'help':
      // `porthole help share` is `porthole share --help`.
      if (rest[0] && COMMANDS.includes(rest[0])) return main([rest[0], '--help'], io);
      if (rest[0]) {
        io.stderr(`porthole: no command "${rest[0]}" (commands: ${COMMANDS.join(', ')})\n`);
        return 2;
      }
      io.stdout(`${USAGE}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      io.stderr(`porthole: unknown command "${cmd}"\n\n${USAGE}\n`);
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
