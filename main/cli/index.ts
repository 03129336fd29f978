#!/usr/bin/env node
// shell: the `porthole` command: share | policy | check, dispatched to one module each, loaded only
// when chosen: `share`'s first process must stay one bare Node (see launch.ts).
import module from 'node:module';
import type { CliIo } from './args.js';
import { launchShare, WORKER_COMMAND } from './launch.js';

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

Run "porthole <command> --help" for its flags.`;

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
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      io.stderr(`porthole: unknown command "${cmd}"\n\n${USAGE}\n`);
      return 2;
  }
}

const io: CliIo & Self = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  // `share` runs in a second copy of this very command (see launch.ts).
  ...(process.argv[1] ? { worker: { command: process.execPath, args: [...process.execArgv, process.argv[1]] } } : {}),
};

main(process.argv.slice(2), io).then(
  (code) => {
    // Let stdout drain before exiting (a pipe may be slow to read).
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`porthole: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
