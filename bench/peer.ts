// bench: the far side of the tunnels in a Node process of its own, as in real use: the loopback
// ingress (the stand-in for ngrok's edge, which is not on the user's machine) and the app the
// tunnels forward to (a process of its own too, in real use). In the bench's process they would
// take turns on one thread with the engine and the recording proxy, and the figure with recording on
// would pay for their work as well. Every row of the bench uses this one peer, both sides alike.
// Run as a child: prints one JSON line {serverAddr, caPem, caFile, appPort}; reads `outage <ms>` lines
// on stdin and answers `back` when the ingress listens again, and `drop` lines (every agent connection
// cut, new ones welcome at once) answered `dropped`; exits when stdin ends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { startIngress } from '../test/support/ingress/index.js';

export const BIG = 50 * 1024 * 1024;

export interface Peer {
  serverAddr: string;
  caPem: string;
  caFile: string;
  appPort: number;
  /** The ingress drops every agent connection and refuses new ones for ms. */
  outage(ms: number): Promise<void>;
  /** The ingress cuts every agent connection once; the SDK's redial is let in at once. */
  drop(): Promise<void>;
  close(): void;
}

/** Spawns the peer; stdin is the leash, so it exits with this process even on a crash. */
export async function startPeer(): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const first = await Promise.race([next(), new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`bench peer exited ${c}`))))]);
  const info = JSON.parse(first) as Omit<Peer, 'outage' | 'drop' | 'close'>;
  return {
    ...info,
    outage: async (ms) => {
      const back = next();
      child.stdin!.write(`outage ${ms}\n`);
      await back;
    },
    drop: async () => {
      const done = next();
      child.stdin!.write('drop\n');
      await done;
    },
    close: () => child.stdin!.end(),
  };
}

async function child(): Promise<void> {
  const ing = await startIngress();
  const big = randomBytes(BIG);
  const app = http.createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-length': big.length });
      res.end(big);
    } else res.end('ok');
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as AddressInfo).port;
  process.stdout.write(JSON.stringify({ serverAddr: ing.serverAddr, caPem: ing.caPem, caFile: ing.caFile, appPort }) + '\n');
  const input = createInterface({ input: process.stdin });
  input.on('line', (l) => {
    const m = /^outage (\d+)$/.exec(l);
    if (m) void ing.outage(Number(m[1])).then(() => process.stdout.write('back\n'));
    else if (l === 'drop') {
      ing.dropAll();
      process.stdout.write('dropped\n');
    }
  });
  input.on('close', () => {
    app.closeAllConnections();
    void ing.close().finally(() => process.exit(0));
  });
}

if (process.argv.includes('--child')) void child();
