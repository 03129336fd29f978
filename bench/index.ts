// bench: Porthole vs. the raw @ngrok/ngrok SDK on the loopback ingress, as ratios, in one run:
// start → online, ten tunnels vs one, 50 MB through a tunnel, back online after a 10 s outage, and as
// processes (processes.ts): `porthole share` vs a raw-SDK script, and the engine's import graph.
// `npm run bench` (add `-- --quick` to stop waiting for the raw SDK after an outage at 10 s,
// `-- --processes` for the process figures alone, `-- --recording` for the visit recording's cost alone:
// the same tunnel with the recording proxy in the path vs without, `-- --many` for 200 tunnels on one session alone).
import net from 'node:net';
import http from 'node:http';
import ngrok from '@ngrok/ngrok';
import { BIG, startPeer, type Peer } from './peer.js';
import { createEngine, type Engine } from '../main/engine/engine.js';
import { forwardConfigFor, sessionConfigFor } from '../main/tunnel/forward-config.js';
import type { SessionSpec, TunnelSpec } from '../common/types.js';
import { buildForBench } from './build.js';
import { manyTunnels, recordingRss, shareVsRaw, twentyTunnels } from './processes.js';

const quick = process.argv.includes('--quick');
const processesOnly = process.argv.includes('--processes');
const recordingOnly = process.argv.includes('--recording');
const manyOnly = process.argv.includes('--many');
const RUNS = 9;
const DL_RUNS = 9;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

/** GET and drain; resolves with bytes and ms, rejects on any error or non-200. */
function download(url: string): Promise<{ bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Rows 1–4: Porthole's engine and raw listeners side by side in this process. */
async function inProcess(ing: Peer, port: number, session: SessionSpec, rows: string[][]) {
  // Engine vs SDK without the recording proxy; its cost is measured on its own (recordingCost).
  const spec = (name: string): TunnelSpec => ({ name, target: String(port), mode: 'public', record: false });
  const raw = (name: string) => ngrok.forward({ ...sessionConfigFor(session), ...forwardConfigFor(spec(name)), force_new_session: true });
  const engines: Engine[] = [];
  const engine = () => {
    const e = createEngine({ session });
    engines.push(e);
    return e;
  };

  // 1. start → online: a fresh session and one Bind each time, interleaved to share the noise.
  const p1: number[] = [];
  const r1: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    const eng = engine();
    eng.add(spec(`s${i + 1}`));
    let t0 = performance.now();
    const v = await eng.start(`s${i + 1}`);
    const tp = performance.now() - t0;
    if (v?.state !== 'online') throw new Error(`porthole start failed: ${JSON.stringify(v)}`);
    t0 = performance.now();
    const l = await raw(`r${i + 1}`);
    const tr = performance.now() - t0;
    if (i >= 0) {
      p1.push(tp);
      r1.push(tr);
    }
    await eng.stopAll();
    await l.close();
  }
  rows.push([`start → online (median of ${RUNS})`, ms(median(p1)), ms(median(r1)), (median(p1) / median(r1)).toFixed(2), '≤ 1.05']);

  // 2. ten tunnels online vs one, each on a fresh engine (one session each).
  const one: number[] = [];
  const ten: number[] = [];
  for (let i = 0; i < 5; i++) {
    let eng = engine();
    eng.add(spec('one'));
    let t0 = performance.now();
    await eng.start('one');
    one.push(performance.now() - t0);
    await eng.stopAll();
    eng = engine();
    const names = Array.from({ length: 10 }, (_, k) => `ten${k}`);
    for (const n of names) eng.add(spec(n));
    t0 = performance.now();
    const vs = await Promise.all(names.map((n) => eng.start(n)));
    ten.push(performance.now() - t0);
    if (!vs.every((v) => v?.state === 'online')) throw new Error('ten tunnels: not all online');
    await eng.stopAll();
  }
  rows.push(['ten tunnels online vs one (median of 5)', `${ms(median(ten))} / ${ms(median(one))}`, '', (median(ten) / median(one)).toFixed(2), '≤ 1.5']);

  // 3. 50 MB through a Porthole tunnel vs a raw SDK tunnel, alternating.
  const eng3 = engine();
  eng3.add(spec('big'));
  const pv = await eng3.start('big');
  const rl = await raw('big-raw');
  const pt: number[] = [];
  const rt: number[] = [];
  // Warm up both paths (JIT, buffers) before measuring; then alternate which goes first.
  for (let i = 0; i < 3; i++) {
    await download(`${pv!.url}/big`);
    await download(`${rl.url()}/big`);
  }
  const rate = async (url: string) => {
    const d = await download(url);
    if (d.bytes !== BIG) throw new Error('short download');
    return BIG / 1048576 / (d.ms / 1000);
  };
  for (let i = 0; i < DL_RUNS; i++) {
    if (i % 2) {
      rt.push(await rate(`${rl.url()}/big`));
      pt.push(await rate(`${pv!.url}/big`));
    } else {
      pt.push(await rate(`${pv!.url}/big`));
      rt.push(await rate(`${rl.url()}/big`));
    }
  }
  rows.push([`50 MB download, MB/s (median of ${DL_RUNS})`, median(pt).toFixed(0), median(rt).toFixed(0), (median(pt) / median(rt)).toFixed(2), '≥ 0.95']);

  // 4. back online after a 10 s outage: both tunnels through the same outage; time from the
  //    ingress coming back until each URL answers again.
  const answers = async (url: string) => download(url.replace(/\/$/, '') + '/').then(() => true, () => false);
  const waitBack = async (url: string, since: number, capMs: number) => {
    for (;;) {
      if (await answers(url)) return performance.now() - since;
      if (performance.now() - since > capMs) return Infinity;
      await sleep(50);
    }
  };
  // The raw SDK has no engine to report a new URL: it keeps its own (same tunnel id).
  await ing.outage(10_000);
  const back = performance.now();
  const cap = quick ? 10_000 : 200_000;
  const engUrl = () => eng3.get('big')?.url ?? pv!.url!;
  const [pb, rb] = await Promise.all([
    (async () => {
      for (;;) {
        const v = eng3.get('big');
        if (v?.state === 'online' && (await answers(engUrl()))) return performance.now() - back;
        if (performance.now() - back > cap) return Infinity;
        await sleep(50);
      }
    })(),
    waitBack(rl.url()!, back, cap),
  ]);
  const fmt = (x: number) => (x === Infinity ? `> ${cap / 1000} s` : `${(x / 1000).toFixed(2)} s`);
  rows.push(['back online after a 10 s outage', fmt(pb), fmt(rb), rb === Infinity ? `< ${(pb / cap).toFixed(3)}` : (pb / rb).toFixed(3), '≤ 0.5 s']);

  await Promise.all(engines.map((e) => e.stopAll()));
  await rl.close().catch(() => {});
}

/** Time to the first response byte of a small GET on a fresh connection. */
function firstByte(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent: false }, (res) => {
      res.once('data', () => {
        resolve(performance.now() - t0);
        res.resume();
      });
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A bare TCP pipe in front of `port`: the least any hop in the proxy's place can cost. */
async function barePipe(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (v) => {
    const a = net.connect({ port, host: '127.0.0.1', noDelay: true });
    for (const s of [v, a]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    v.pipe(a).pipe(v);
    a.on('close', () => v.destroy());
    v.on('close', () => a.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => (server.close(() => r()), sockets.forEach((x) => x.destroy()))) };
}

/** Mean ms of `n` WebSocket echo round trips on one connection (after 50 to warm up). */
async function wsRoundTrip(url: string, n: number): Promise<number> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const once = () => new Promise<void>((r) => (ws.once('message', () => r()), ws.send('ping')));
  for (let i = 0; i < 50; i++) await once();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once();
  const ms = (performance.now() - t0) / n;
  ws.close();
  return ms;
}

/**
 * Rows: the recording proxy's cost. Three tunnels of one engine to the same app: recording on,
 * `--no-record`, and `--no-record` forwarding to a bare TCP pipe in front of the app (the floor any
 * hop costs on these cores). 50 MB download, first byte, WebSocket round trip; each side by side.
 */
async function recordingCost(port: number, session: SessionSpec, rows: string[][]) {
  const pipe = await barePipe(port);
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
  const wsPort = (wss.address() as net.AddressInfo).port;
  const wsPipe = await barePipe(wsPort);
  const eng = createEngine({ session });
  try {
    const tunnels: [string, string, boolean][] = [
      ['rec-on', String(port), true],
      ['rec-off', String(port), false],
      ['pipe', `127.0.0.1:${pipe.port}`, false],
      ['ws-on', String(wsPort), true],
      ['ws-off', String(wsPort), false],
      ['ws-pipe', `127.0.0.1:${wsPipe.port}`, false],
    ];
    for (const [name, target, record] of tunnels) eng.add({ name, target, mode: 'public', record });
    const views = await Promise.all(tunnels.map(([n]) => eng.start(n)));
    if (!views.every((v) => v?.state === 'online')) throw new Error(`recording tunnels not online: ${JSON.stringify(views)}`);
    const url = (name: string) => eng.get(name)!.url!;
    const rate = async (u: string) => {
      const d = await download(`${u}/big`);
      if (d.bytes !== BIG) throw new Error('short download');
      return BIG / 1048576 / (d.ms / 1000);
    };
    const sides = ['rec-on', 'rec-off', 'pipe'];
    for (let i = 0; i < 3; i++) for (const n of sides) await rate(url(n)).catch(() => 0); // warm-up
    const dl = new Map(sides.map((n) => [n, [] as number[]]));
    const fb = new Map(sides.map((n) => [n, [] as number[]]));
    const rt = new Map(['ws-on', 'ws-off', 'ws-pipe'].map((n) => [n, [] as number[]]));
    // Rotate which goes first, so drift and noise fall on every side.
    const rotate = <T>(xs: T[], i: number) => [...xs.slice(i % xs.length), ...xs.slice(0, i % xs.length)];
    for (let i = 0; i < DL_RUNS; i++) for (const n of rotate(sides, i)) dl.get(n)!.push(await rate(url(n)));
    for (let i = 0; i < 4 * RUNS; i++) for (const n of rotate(sides, i)) fb.get(n)!.push(await firstByte(`${url(n)}/small`));
    for (let i = 0; i < 5; i++) for (const n of rotate([...rt.keys()], i)) rt.get(n)!.push(await wsRoundTrip(url(n), 1000));
    const recorded = eng.visits.list('rec-on').length;
    if (recorded < DL_RUNS + 4 * RUNS) throw new Error(`only ${recorded} requests recorded`);
    const m = (xs: number[]) => median(xs);
    const on = { dl: m(dl.get('rec-on')!), fb: m(fb.get('rec-on')!), rt: m(rt.get('ws-on')!) };
    const off = { dl: m(dl.get('rec-off')!), fb: m(fb.get('rec-off')!), rt: m(rt.get('ws-off')!) };
    const bare = { dl: m(dl.get('pipe')!), fb: m(fb.get('pipe')!), rt: m(rt.get('ws-pipe')!) };
    const ms3 = (x: number) => `${x.toFixed(3)} ms`;
    rows.push([`50 MB download, recording vs bare TCP pipe, MB/s (median of ${DL_RUNS})`, on.dl.toFixed(0), bare.dl.toFixed(0), (on.dl / bare.dl).toFixed(2), '≥ 0.95']);
    rows.push([`first byte, recording vs bare TCP pipe (median of ${4 * RUNS})`, ms(on.fb), ms(bare.fb), (on.fb / bare.fb).toFixed(2), '≤ 1.1']);
    rows.push(['WebSocket round trip, recording vs bare TCP pipe (median of 5 × 1,000)', ms3(on.rt), ms3(bare.rt), (on.rt / bare.rt).toFixed(2), '≤ 1.1']);
    rows.push([`50 MB download, recording vs --no-record, MB/s (median of ${DL_RUNS})`, on.dl.toFixed(0), off.dl.toFixed(0), (on.dl / off.dl).toFixed(2), '']);
    rows.push([`first byte, recording vs --no-record (median of ${4 * RUNS})`, ms(on.fb), ms(off.fb), (on.fb / off.fb).toFixed(2), '']);
    rows.push(['WebSocket round trip, recording vs --no-record (median of 5 × 1,000)', ms3(on.rt), ms3(off.rt), (on.rt / off.rt).toFixed(2), '']);
    rows.push([`bare TCP pipe vs --no-record, 50 MB download (the floor of any hop)`, bare.dl.toFixed(0), off.dl.toFixed(0), (bare.dl / off.dl).toFixed(2), '']);
  } finally {
    await eng.stopAll();
    await pipe.close();
    await wsPipe.close();
    wss.close();
  }
}

async function main() {
  // The ingress and the app run in a process of their own (peer.ts): the bench's thread is Porthole's.
  const ing = await startPeer();
  const app = { port: ing.appPort };
  const session: SessionSpec = { authtoken: 'bench-token', serverAddr: ing.serverAddr, caPem: ing.caPem };
  const rows: string[][] = [];

  if (!processesOnly && !recordingOnly && !manyOnly) await inProcess(ing, app.port, session, rows);
  if (!processesOnly && !manyOnly) await recordingCost(app.port, session, rows);

  // 5. As processes, each measurement a fresh Node: what starting costs, not what running costs.
  {
    const built = await buildForBench();
    try {
      if (!recordingOnly && !manyOnly) rows.push(...(await shareVsRaw(built, ing, app.port, 7)));
      if (!recordingOnly && !manyOnly) rows.push(...(await twentyTunnels(built, ing, app.port, 5)));
      if (!recordingOnly) rows.push(...(await manyTunnels(built, ing, app.port, 5)));
      if (!manyOnly) rows.push(...(await recordingRss(built, ing, app.port, 5)));
    } finally {
      built.remove();
    }
  }

  await ngrok.kill().catch(() => {});
  ing.close();

  const head = ['measure', 'Porthole', 'raw SDK', 'ratio', 'goal'];
  const table = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  process.stdout.write(`\nPorthole vs. raw @ngrok/ngrok 1.7.0, loopback ingress, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n${table}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
