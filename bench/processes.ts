// bench: what Porthole costs as processes, against the raw SDK doing the same job, on the loopback
// ingress: (a) `porthole share` vs a 10-line raw-SDK script (memory of the whole process tree and
// spawn → first "online" line), (b) the engine's import graph: the memory 20 online tunnels add to
// an idle Node through `createEngine` vs through the SDK alone. Each measurement is a fresh process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Peer as Ingress } from './peer.js';
import type { BenchBuild } from './build.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const TOKEN = 'bench-token';

/** The pid and all its descendants (Linux /proc). */
function tree(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone */
  }
  return [pid, ...kids.flatMap(tree)];
}

/** RSS of a process tree in kB, summed (each Node process counts the node binary's ~37 MB of pages again). */
function treeMemory(pid: number): { rss: number; processes: number } {
  const pids = tree(pid);
  let rss = 0;
  for (const p of pids) rss += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  return { rss, processes: pids.length };
}

interface ShareRun {
  ms: number;
  rss: number;
  processes: number;
}

/** Spawns a share command, times spawn → its first "online" line, then samples its tree's memory `settleMs` later. */
function runShare(args: string[], settleMs: number): Promise<ShareRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let online: number | undefined;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (online !== undefined || !/"state":"online"/.test(out)) return;
      online = performance.now() - t0;
      const ms = online;
      setTimeout(() => {
        const m = treeMemory(child.pid!);
        child.kill('SIGTERM');
        child.once('exit', () => resolve({ ms, ...m }));
      }, settleMs);
    });
    child.once('exit', (code) => {
      if (online === undefined) reject(new Error(`${args.join(' ')} exited ${code} before online:\n${out}\n${err}`));
    });
  });
}

/** (a) `porthole share --json` vs the raw-SDK script: medians of `runs`, interleaved; table rows. */
export async function shareVsRaw(b: BenchBuild, ing: Ingress, port: number, runs: number): Promise<string[][]> {
  const porthole = [b.cli, 'share', String(port), '--mode', 'public', '--name', 'bench', '--server-addr', ing.serverAddr, '--ca-file', ing.caFile, '--json', '--no-record']; // like the raw script: no recording proxy
  const raw = [b.rawShare, `http://localhost:${port}`, ing.serverAddr, ing.caFile];
  const p: ShareRun[] = [];
  const r: ShareRun[] = [];
  // One warm-up each (disk cache), then alternate which goes first.
  for (let i = -1; i < runs; i++) {
    const pair = i % 2 ? [await runShare(porthole, 1000), await runShare(raw, 1000)] : [await runShare(raw, 1000), await runShare(porthole, 1000)].reverse();
    if (i >= 0) {
      p.push(pair[0]!);
      r.push(pair[1]!);
    }
  }
  const m = (xs: ShareRun[], k: keyof ShareRun) => median(xs.map((x) => x[k]));
  const procs = `${p[0]!.processes} vs ${r[0]!.processes} process${r[0]!.processes > 1 ? 'es' : ''}`;
  return [
    [`porthole share: spawn → first online line (median of ${runs})`, `${m(p, 'ms').toFixed(0)} ms`, `${m(r, 'ms').toFixed(0)} ms`, (m(p, 'ms') / m(r, 'ms')).toFixed(2), '≤ 1.5'],
    [`porthole share: RSS, sum over processes (${procs})`, mb(m(p, 'rss')), mb(m(r, 'rss')), (m(p, 'rss') / m(r, 'rss')).toFixed(2), '≤ 1.5'],
  ];
}

/** `porthole share` with recording (the default) vs `--no-record`: RSS summed over its processes, once online. */
export async function recordingRss(b: BenchBuild, ing: Ingress, port: number, runs: number): Promise<string[][]> {
  const base = [b.cli, 'share', String(port), '--mode', 'public', '--name', 'bench', '--server-addr', ing.serverAddr, '--ca-file', ing.caFile, '--json'];
  const on: ShareRun[] = [];
  const off: ShareRun[] = [];
  for (let i = -1; i < runs; i++) {
    const a = await runShare(i % 2 ? base : [...base, '--no-record'], 1000);
    const c = await runShare(i % 2 ? [...base, '--no-record'] : base, 1000);
    if (i < 0) continue;
    on.push(i % 2 ? a : c);
    off.push(i % 2 ? c : a);
  }
  const m = (xs: ShareRun[]) => median(xs.map((x) => x.rss));
  return [[`porthole share: RSS, recording vs --no-record (median of ${runs})`, mb(m(on)), mb(m(off)), (m(on) / m(off)).toFixed(2), '≤ 1.1']];
}

/** The script of (b): idle RSS, then load `how` and bring `count` tunnels online; prints {idle, online} in kB and the ms from the first start to all online. */
function tunnelsScript(how: 'engine' | 'raw', engineModule: string, count: number): string {
  const start =
    how === 'engine'
      ? `const { createEngine } = await import(${JSON.stringify(engineModule)});
const loaded = process.memoryUsage().rss;
const e = createEngine({ session: { authtoken: '${TOKEN}', serverAddr, caPem } });
// record: false, like the raw SDK: this row measures the engine itself (the recording rows measure the proxy).
for (const n of names) e.add({ name: n, target: port, mode: 'public', record: false });
const t0 = performance.now();
const vs = await Promise.all(names.map((n) => e.start(n)));
if (!vs.every((v) => v?.state === 'online')) throw new Error('not all online: ' + JSON.stringify(vs));
const close = () => e.stopAll();`
      : `const { default: ngrok } = await import('@ngrok/ngrok');
const loaded = process.memoryUsage().rss;
const t0 = performance.now();
const s = await new ngrok.SessionBuilder().authtoken('${TOKEN}').serverAddr(serverAddr).caCert(new Uint8Array(Buffer.from(caPem))).connect();
const ls = await Promise.all(names.map(() => s.httpEndpoint().listenAndForward('http://localhost:' + port)));
const close = () => s.close();`;
  return `import { readFileSync } from 'node:fs';
const [port, serverAddr, caFile] = process.argv.slice(2);
const caPem = readFileSync(caFile, 'utf8');
const names = Array.from({ length: ${count} }, (_, i) => 't' + i);
const idle = process.memoryUsage().rss;
${start}
const ms = performance.now() - t0;
await new Promise((r) => setTimeout(r, 500));
const online = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ idle: idle / 1024, loaded: loaded / 1024, online: online / 1024, ms }) + '\\n');
await close();
process.exit(0);
`;
}

/** kb: RSS over the idle Node (modules included); tunnelsKb: over the Node with its modules loaded. */
function runTunnels(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('exit', (code) => {
      try {
        const { idle, loaded, online, ms } = JSON.parse(out) as { idle: number; loaded: number; online: number; ms: number };
        resolve({ kb: online - idle, tunnelsKb: online - loaded, ms });
      } catch {
        reject(new Error(`tunnels script exited ${code}:\n${out}\n${err}`));
      }
    });
  });
}

interface Run {
  kb: number;
  tunnelsKb: number;
  ms: number;
}

/** Runs the engine and raw scripts for `count` tunnels `runs` times, interleaved; the medians. */
async function tunnelsVsRaw(b: BenchBuild, ing: Ingress, port: number, runs: number, count: number) {
  const engineJs = b.module('main/engine/engine.ts');
  const eng = b.script(`tunnels-${count}-engine.mjs`, tunnelsScript('engine', engineJs, count));
  const raw = b.script(`tunnels-${count}-raw.mjs`, tunnelsScript('raw', engineJs, count));
  const args = [String(port), ing.serverAddr, ing.caFile];
  const p: Run[] = [];
  const r: Run[] = [];
  for (let i = -1; i < runs; i++) {
    const [a, c] = i % 2 ? [await runTunnels(eng, args), await runTunnels(raw, args)] : [await runTunnels(raw, args), await runTunnels(eng, args)].reverse();
    if (i >= 0) {
      p.push(a!);
      r.push(c!);
    }
    await sleep(100);
  }
  const m = (xs: Run[]): Run => ({ kb: median(xs.map((x) => x.kb)), tunnelsKb: median(xs.map((x) => x.tunnelsKb)), ms: median(xs.map((x) => x.ms)) });
  return { p: m(p), r: m(r) };
}

/** (b) RSS added by 20 online tunnels over an idle Node: through createEngine vs the raw SDK; table row. */
export async function twentyTunnels(b: BenchBuild, ing: Ingress, port: number, runs: number): Promise<string[][]> {
  const { p, r } = await tunnelsVsRaw(b, ing, port, runs, 20);
  return [[`20 tunnels online: RSS over idle Node (median of ${runs})`, `+${mb(p.kb)}`, `+${mb(r.kb)}`, (p.kb / r.kb).toFixed(2), '≤ 1.25']];
}

/** (c) 200 tunnels on one session: first start → all online, and the RSS each adds; table rows. */
export async function manyTunnels(b: BenchBuild, ing: Ingress, port: number, runs: number): Promise<string[][]> {
  const { p, r } = await tunnelsVsRaw(b, ing, port, runs, 200);
  const kib = (kb: number) => `${(kb / 200).toFixed(1)} KiB`;
  return [
    [`200 tunnels on one session: start → all online (median of ${runs})`, `${p.ms.toFixed(0)} ms`, `${r.ms.toFixed(0)} ms`, (p.ms / r.ms).toFixed(2), '≤ 1.15'],
    [`200 tunnels on one session: RSS per tunnel, modules loaded (median of ${runs})`, kib(p.tunnelsKb), kib(r.tunnelsKb), (p.tunnelsKb / r.tunnelsKb).toFixed(2), '≤ 1.15'],
  ];
}
