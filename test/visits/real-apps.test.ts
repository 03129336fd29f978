// test: real apps from npm behind a recording tunnel (the real SDK, the test ingress, the engine's
// recording proxy): a Vite dev server whose HMR update reaches Chromium through the tunnel, Vite's
// host check recognised and rewritten round, and an Express SSE endpoint that is never buffered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import type { RequestRecord } from '../../main/visits/log.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { spec } from '../engine/helpers.js';

let ing: Ingress;
let engine: Engine;
const records: RequestRecord[] = [];

before(async () => {
  ing = await startIngress();
  engine = createEngine({ session: { authtoken: 'real-apps', serverAddr: ing.serverAddr, caPem: ing.caPem } });
  engine.visits.on('request', (r) => records.push(r));
});
after(async () => {
  await engine.stopAll();
  await ing.close();
});

async function share(name: string, port: number, extra: object = {}): Promise<string> {
  assert.ok(engine.add(spec({ name, target: `127.0.0.1:${port}`, mode: 'public', ...extra })).ok);
  const v = await engine.start(name);
  assert.equal(v?.state, 'online', JSON.stringify(v));
  return v!.url!;
}

const waitFor = async (pred: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('Vite 8 dev server: the page loads and an HMR update reaches Chromium through the recording tunnel', { skip: chromiumMissing, timeout: 60_000 }, async (t) => {
  const { createServer } = await import('vite');
  const root = mkdtempSync(join(tmpdir(), 'porthole-vite-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><body><p id="msg">loading</p><script type="module" src="/main.js"></script></body></html>');
  const main = (v: string) => `document.querySelector('#msg').textContent = '${v}';\nif (import.meta.hot) import.meta.hot.accept();\n`;
  writeFileSync(join(root, 'main.js'), main('version one'));
  const vite = await createServer({ root, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await vite.listen();
  t.after(() => vite.close());
  const port = (vite.httpServer!.address() as AddressInfo).port;
  const url = await share('vite', port);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  // Vite's client falls back to a direct WebSocket to its own port when the first one fails: closed
  // here, so the update can only have come through the tunnel.
  await page.routeWebSocket(new RegExp(`^ws://(127\\.0\\.0\\.1|localhost):${port}/`), (ws) => ws.close());
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#msg')?.textContent === 'version one', undefined, { timeout: 15_000 });
  // Let the HMR client connect (a fresh module graph), then change the file.
  await page.waitForTimeout(500);
  writeFileSync(join(root, 'main.js'), main('version two'));
  await page.waitForFunction(() => document.querySelector('#msg')?.textContent === 'version two', undefined, { timeout: 15_000 });
  // The HMR socket's token never reaches the log (a WebSocket is recorded when it closes; the ws echo
  // in transparent.test.ts checks the REDACTED form of a closed one).
  assert.ok(!records.some((r) => /[?&]token=(?!REDACTED)/.test(r.path)), JSON.stringify(records.map((r) => r.path)));

  // Vite's host check: a visitor's Host that isn't an IP or localhost is refused, and recognised.
  const raw = await import('node:net');
  const text = await new Promise<string>((resolve) => {
    const s = raw.connect(Number(new URL(url).port), '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: demo.ngrok.app\r\nConnection: close\r\n\r\n'));
    let got = '';
    s.on('data', (c) => (got += c));
    s.on('close', () => resolve(got));
  });
  assert.match(text, /^HTTP\/1\.1 403[\s\S]*Blocked request\. This host \("demo\.ngrok\.app"\) is not allowed/);
  await waitFor(() => records.some((r) => r.tunnel === 'vite' && r.hostCheck === 'vite'), 3000, 'the host check recognised');

  // The same through a tunnel that rewrites the Host header: Vite answers the page.
  const rewritten = await share('vite-rw', port, { hostHeader: 'rewrite' });
  const ok = await new Promise<string>((resolve) => {
    const s = raw.connect(Number(new URL(rewritten).port), '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: demo.ngrok.app\r\nConnection: close\r\n\r\n'));
    let got = '';
    s.on('data', (c) => (got += c));
    s.on('close', () => resolve(got));
  });
  assert.match(ok, /^HTTP\/1\.1 200/);
  assert.match(ok, /id="msg"/);
});

test('Express SSE: each event reaches the visitor as it is written, never buffered', { timeout: 30_000 }, async (t) => {
  const express = (await import('express')).default;
  const app = express();
  let release!: () => void;
  const second = new Promise<void>((r) => (release = r));
  app.get('/events', (_req, res) => {
    // The usual snippet.
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write('data: first\n\n');
    void second.then(() => res.end('data: second\n\n'));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.after(() => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())));
  const url = await share('sse', (server.address() as AddressInfo).port);
  const res = await fetch(`${url}/events`, { headers: { connection: 'close' } });
  const reader = res.body!.getReader();
  const first = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the first event was held back')), 5000))]);
  assert.match(Buffer.from(first.value!).toString(), /data: first/);
  release();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += Buffer.from(value).toString();
  }
  assert.match(rest, /data: second/);
  await waitFor(() => records.some((r) => r.tunnel === 'sse' && r.path === '/events' && r.status === 200 && !r.cut), 3000, 'the SSE record');
});
