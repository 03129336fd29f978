// test: memory over a long day, on the REAL @ngrok/ngrok with the ingress in a process of its own (its
// records of every auth and bind would otherwise grow this heap too). After drops (the SDK redials) and
// outages (the engine retires the session and dials a new one), a forced GC must find every retired
// session's callbacks and connection gone, and the heap after 2N drops and outages no bigger than after
// N, give or take what a GC leaves lying about.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { connectSession, type SessionCallbacks } from '../../main/tunnel/ngrok.js';
import { startPeer, type Peer } from '../../bench/peer.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TUNNELS = 10;
const names = Array.from({ length: TUNNELS }, (_, i) => `m${i}`);

let peer: Peer;
before(async () => {
  peer = await startPeer();
});
after(() => peer.close());

/** Heap in use after full collections (a few, with turns of the event loop between, so finalizers run). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

/** Runs `kick` and resolves once every tunnel has left online and come back to it. */
function through(eng: Engine, kick: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const left = new Set<string>();
    const t = setTimeout(() => {
      off();
      reject(new Error(`not all back online within ${timeoutMs} ms: ${JSON.stringify(eng.list().map((v) => v.state))}`));
    }, timeoutMs);
    const off = eng.subscribe((v, all) => {
      if (v.state !== 'online') left.add(v.name);
      if (left.size === TUNNELS && all.every((x) => x.state === 'online')) {
        clearTimeout(t);
        off();
        resolve();
      }
    });
    kick().catch(reject);
  });
}

test('retired sessions are let go, and drops and outages do not grow the heap', { timeout: 90_000 }, async () => {
  // The real adapter, watched: every session's callbacks (which hold its connection) are registered,
  // so a forced GC tells which of them are still reachable.
  let dialed = 0;
  let collected = 0;
  const watch = new FinalizationRegistry<number>(() => collected++);
  const eng = createEngine({
    session: { authtoken: 'memory-token', serverAddr: peer.serverAddr, caPem: peer.caPem },
    recovery: { takeoverAfterMs: 300, settleMs: 50 },
    connect: async (spec, callbacks: SessionCallbacks) => {
      const s = await connectSession(spec, callbacks);
      watch.register(callbacks, ++dialed);
      return s;
    },
  });
  try {
    for (const n of names) eng.add({ name: n, target: String(peer.appPort), mode: 'public', record: false });
    const vs = await Promise.all(names.map((n) => eng.start(n)));
    assert.ok(vs.every((v) => v?.state === 'online'), 'all online');
    const round = async () => {
      await through(eng, () => peer.drop());
      await through(eng, () => peer.outage(300));
    };
    // Warm-up: the code paths compiled, the buffers sized.
    for (let i = 0; i < 8; i++) await round();
    const base = await settledHeap();
    const N = 5;
    for (let i = 0; i < N; i++) await round();
    const atN = await settledHeap();
    for (let i = 0; i < N; i++) await round();
    const at2N = await settledHeap();

    assert.ok(dialed >= 2 * N + 8, `each outage rebuilt the session (${dialed} dialed)`);
    // Every session but the one in use was retired: none of them may still be reachable.
    assert.equal(collected, dialed - 1, `${dialed - 1} retired sessions, ${collected} of them collected`);
    const kib = (b: number) => (b / 1024).toFixed(1);
    const growth = at2N - atN;
    // Kept per round, measured: ~2.3 KiB (what the SDK keeps of each retired session: its three relay handlers),
    // against ~4.4 KiB when each retired session, its callbacks and connection were kept too.
    const perRound = 4096;
    assert.ok(growth < N * perRound, `heap ${kib(base)} → ${kib(atN)} → ${kib(at2N)} KiB: ${kib(growth / N)} KiB kept per drop + outage`);
  } finally {
    await eng.stopAll();
  }
});
