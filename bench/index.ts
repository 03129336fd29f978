// bench: Porthole vs. the raw @ngrok/ngrok SDK on the loopback ingress, as ratios, in one run:
// start → online, ten tunnels vs one, 50 MB through a tunnel, back online after a 10 s outage, and as
// processes (processes.ts): `porthole share` vs a raw-SDK script, and the engine's import graph.
// `npm run bench` (add `-- --quick` to stop waiting for the raw SDK after an outage at 10 s,
// `-- --processes` for the process figures alone, `-- --recording` for the visit recording's cost alone:
// the same tunnel with the recording proxy in the path vs without).
import http from 'node:http';
import ngrok from '@ngrok/ngrok';
import { BIG, startPeer, type Peer } from './peer.js';
import { createEngine, type Engine } from '../main/engine/engine.js';
import { forwardConfigFor, sessionConfigFor } from '../main/tunnel/forward-config.js';
import type { SessionSpec, TunnelSpec } from '../common/types.js';
import { buildForBench } from './build.js';
import { shareVsRaw, twentyTunnels } from './processes.js';

const quick = process.argv.includes('--quick');
const processesOnly = process.argv.includes('--processes');
const recordingOnly = process.argv.includes('--recording');
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

/** Rows: the same engine's tunnel with the recording proxy in the path vs without (50 MB, first byte). */
async function recordingCost(port: number, session: SessionSpec, rows: string[][]) {
  const eng = createEngine({ session });
  try {
    eng.add({ name: 'rec-on', target: String(port), mode: 'public', record: true });
    eng.add({ name: 'rec-off', target: String(port), mode: 'public', record: false });
    const [on, off] = await Promise.all([eng.start('rec-on'), eng.start('rec-off')]);
    if (on?.state !== 'online' || off?.state !== 'online') throw new Error(`recording tunnels not online: ${JSON.stringify([on, off])}`);
    const rate = async (url: string) => {
      const d = await download(`${url}/big`);
      if (d.bytes !== BIG) throw new Error('short download');
      return BIG / 1048576 / (d.ms / 1000);
    };
    for (let i = 0; i < 3; i++) await Promise.all([rate(on.url!), rate(off.url!)].map((p) => p.catch(() => 0))); // warm-up
    const pOn: number[] = [];
    const pOff: number[] = [];
    const fOn: number[] = [];
    const fOff: number[] = [];
    // Alternate which goes first, so drift and noise fall on both sides.
    for (let i = 0; i < DL_RUNS; i++) {
      const pair = i % 2 ? [[pOff, off], [pOn, on]] as const : [[pOn, on], [pOff, off]] as const;
      for (const [xs, v] of pair) xs.push(await rate(v.url!));
    }
    for (let i = 0; i < 4 * RUNS; i++) {
      const pair = i % 2 ? [[fOff, off], [fOn, on]] as const : [[fOn, on], [fOff, off]] as const;
      for (const [xs, v] of pair) xs.push(await firstByte(`${v.url}/small`));
    }
    const recorded = eng.visits.list('rec-on').length;
    if (!process.env.PH_RAWPIPE && recorded < DL_RUNS + 4 * RUNS) throw new Error(`only ${recorded} requests recorded`);
    rows.push([`50 MB download, recording on vs off, MB/s (median of ${DL_RUNS})`, median(pOn).toFixed(0), median(pOff).toFixed(0), (median(pOn) / median(pOff)).toFixed(2), '≥ 0.9']);
    rows.push([`first byte, recording on vs off (median of ${4 * RUNS})`, ms(median(fOn)), ms(median(fOff)), (median(fOn) / median(fOff)).toFixed(2), '']);
  } finally {
    await eng.stopAll();
  }
}

async function main() {
  // The ingress and the app run in a process of their own (peer.ts): the bench's thread is Porthole's.
  const ing = await startPeer();
  const app = { port: ing.appPort };
  const session: SessionSpec = { authtoken: 'bench-token', serverAddr: ing.serverAddr, caPem: ing.caPem };
  const rows: string[][] = [];

  if (!processesOnly && !recordingOnly) await inProcess(ing, app.port, session, rows);
  if (!processesOnly) await recordingCost(app.port, session, rows);

  // 5. As processes, each measurement a fresh Node: what starting costs, not what running costs.
  if (!recordingOnly) {
    const built = await buildForBench();
    try {
      rows.push(...(await shareVsRaw(built, ing, app.port, 7)));
      rows.push(...(await twentyTunnels(built, ing, app.port, 5)));
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
