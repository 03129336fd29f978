// test: listening ports on this machine (a real server on port 0, found with the node process name),
// the per-OS parsers on real-shaped output, probePort, and the ngrok authtoken import from a temp HOME.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dedupePorts, listListeningPorts, parseLsof, parseNetstat, parseProcNetTcp, parseTasklist, probePort } from '../../main/system/listening-ports.js';
import { authtokenFromConfig, importNgrokAuthtoken, ngrokConfigPaths } from '../../main/system/ngrok-config.js';

async function listen(host: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, port: (server.address() as AddressInfo).port };
}
const close = (s: http.Server | net.Server) => new Promise<void>((r) => s.close(() => r()));

test('finds a server this process opened, with the node process name and our pid', { skip: process.platform !== 'linux' && process.platform !== 'darwin' && process.platform !== 'win32' }, async () => {
  const { server, port } = await listen('127.0.0.1');
  const v6 = await listen('::1').catch(() => undefined);
  try {
    const ports = await listListeningPorts();
    const mine = ports.find((p) => p.port === port);
    assert.ok(mine, `port ${port} not in ${JSON.stringify(ports.map((p) => p.port))}`);
    assert.equal(mine.pid, process.pid);
    assert.match(mine.process ?? '', /^node(\.exe)?$/);
    assert.equal(mine.address, '127.0.0.1');
    if (v6) {
      const six = ports.find((p) => p.port === v6.port);
      assert.equal(six?.address, '::1');
      assert.equal(six?.pid, process.pid);
    }
    // Sorted, one entry per port.
    assert.deepEqual(ports.map((p) => p.port), [...new Set(ports.map((p) => p.port))].sort((a, b) => a - b));
  } finally {
    await close(server);
    if (v6) await close(v6.server);
  }
  assert.equal((await listListeningPorts()).some((p) => p.port === port), false, 'a closed server is gone from the list');
});

test('probePort: true while something listens (IPv4 or IPv6 loopback), false after', async () => {
  const { server, port } = await listen('127.0.0.1');
  assert.equal(await probePort(port), true);
  await close(server);
  assert.equal(await probePort(port), false);
  const v6 = await listen('::1').catch(() => undefined);
  if (v6) {
    assert.equal(await probePort(v6.port), true, 'a server on ::1 only is found');
    await close(v6.server);
  }
  assert.equal(await probePort(0), false);
  assert.equal(await probePort(70000), false);
});

test('parseProcNetTcp: LISTEN rows only, IPv4 and IPv6 addresses decoded', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0',
    '   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41235 1 0000000000000000 100 0 0 10 0',
    '   2: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 41236 1 0000000000000000 20 4 30 10 -1',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(tcp), [
    { address: '127.0.0.1', port: 3000, inode: 41234 },
    { address: '0.0.0.0', port: 8080, inode: 41235 },
  ]);
  const tcp6 = [
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000000000000 100 0 0 10 0',
    '   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5002 1 0000000000000000 100 0 0 10 0',
    '   2: 0000000000000000FFFF00000100007F:22B8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 100 0 0 10 0',
    '   3: 000080FE00000000FF005452120054FE:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5004 1 0000000000000000 100 0 0 10 0',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(tcp6), [
    { address: '::1', port: 5432, inode: 5001 },
    { address: '::', port: 80, inode: 5002 },
    { address: '127.0.0.1', port: 8888, inode: 5003 },
    { address: 'fe80::5254:ff:fe54:12', port: 8000, inode: 5004 },
  ]);
});

test('parseLsof (macOS): command, pid, address; escaped names decoded', () => {
  const out = [
    'COMMAND     PID  USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
    'node      81234 alice   23u  IPv4 0x1d3e5a9b2c4f1e01      0t0  TCP 127.0.0.1:3000 (LISTEN)',
    'Google\\x20Chrome 512 alice 40u IPv6 0x1d3e5a9b2c4f1e02      0t0  TCP [::1]:9222 (LISTEN)',
    'rapportd    610 alice    4u  IPv4 0x1d3e5a9b2c4f1e03      0t0  TCP *:49152 (LISTEN)',
  ].join('\n');
  assert.deepEqual(parseLsof(out), [
    { port: 3000, address: '127.0.0.1', pid: 81234, process: 'node' },
    { port: 9222, address: '::1', pid: 512, process: 'Google Chrome' },
    { port: 49152, address: '0.0.0.0', pid: 610, process: 'rapportd' },
  ]);
});

test('parseNetstat + parseTasklist (Windows): listening sockets by foreign address, localized state words', () => {
  const netstat = [
    '',
    'Active Connections',
    '',
    '  Proto  Local Address          Foreign Address        State           PID',
    '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1004',
    '  TCP    127.0.0.1:3000         0.0.0.0:0              ABHÖREN         7420',
    '  TCP    127.0.0.1:3000         127.0.0.1:50123        ESTABLISHED     7420',
    '  TCP    [::]:445               [::]:0                 LISTENING       4',
    '  TCP    [::1]:5173             [::]:0                 LISTENING       9000',
    '  UDP    0.0.0.0:5353           *:*                                    2100',
  ].join('\r\n');
  const tasks = ['"System","4","Services","0","144 K"', '"svchost.exe","1004","Services","0","12,444 K"', '"node.exe","7420","Console","1","45,000 K"'].join('\r\n');
  assert.deepEqual(parseNetstat(netstat), [
    { port: 135, address: '0.0.0.0', pid: 1004 },
    { port: 3000, address: '127.0.0.1', pid: 7420 },
    { port: 445, address: '::', pid: 4 },
    { port: 5173, address: '::1', pid: 9000 },
  ]);
  const names = parseTasklist(tasks);
  assert.equal(names.get(7420), 'node.exe');
  assert.equal(names.get(4), 'System');
});

test('dedupePorts: one per port, preferring the entry that knows its process', () => {
  assert.deepEqual(
    dedupePorts([
      { port: 8080, address: '::' },
      { port: 3000, address: '0.0.0.0' },
      { port: 8080, address: '0.0.0.0', pid: 7, process: 'java' },
    ]),
    [
      { port: 3000, address: '0.0.0.0' },
      { port: 8080, address: '0.0.0.0', pid: 7, process: 'java' },
    ],
  );
});

test('ngrok config paths per OS', () => {
  assert.deepEqual(ngrokConfigPaths({ platform: 'linux', home: '/home/al', env: {} }), ['/home/al/.config/ngrok/ngrok.yml', '/home/al/.ngrok2/ngrok.yml']);
  assert.deepEqual(ngrokConfigPaths({ platform: 'linux', home: '/home/al', env: { XDG_CONFIG_HOME: '/x' } })[0], '/x/ngrok/ngrok.yml');
  assert.deepEqual(ngrokConfigPaths({ platform: 'darwin', home: '/Users/al', env: {} })[0], '/Users/al/Library/Application Support/ngrok/ngrok.yml');
  assert.deepEqual(ngrokConfigPaths({ platform: 'win32', home: 'C:\\Users\\al', env: { LOCALAPPDATA: 'C:\\Users\\al\\AppData\\Local' } }), [
    'C:\\Users\\al\\AppData\\Local\\ngrok\\ngrok.yml',
    'C:\\Users\\al\\.ngrok2\\ngrok.yml',
  ]);
});

test('authtokenFromConfig: v3 agent.authtoken and v2 authtoken', () => {
  assert.equal(authtokenFromConfig('version: "3"\nagent:\n  authtoken: 2abcV3token\n'), '2abcV3token');
  assert.equal(authtokenFromConfig('version: "2"\nauthtoken: 2abcV2token\nregion: eu\n'), '2abcV2token');
  assert.equal(authtokenFromConfig('version: "3"\nagent:\n  region: eu\n'), undefined);
  assert.equal(authtokenFromConfig(''), undefined);
});

test('importNgrokAuthtoken from a temp HOME: the default path, then legacy, NGROK_AUTHTOKEN first; none found says where it looked', async () => {
  const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
  try {
    const opts = { home, env: {}, platform: 'linux' as const };
    const none = await importNgrokAuthtoken(opts);
    assert.equal(none.ok, false);
    if (!none.ok) {
      assert.equal(none.error.code, 'NGROK_CONFIG_NOT_FOUND');
      assert.equal(none.error.field, 'ngrokAuthtoken');
      assert.ok(none.searched.includes(join(home, '.config', 'ngrok', 'ngrok.yml')));
    }

    mkdirSync(join(home, '.ngrok2'));
    writeFileSync(join(home, '.ngrok2', 'ngrok.yml'), 'authtoken: legacy-token-123\n');
    assert.deepEqual(await importNgrokAuthtoken(opts), { ok: true, authtoken: 'legacy-token-123', source: join(home, '.ngrok2', 'ngrok.yml') });

    mkdirSync(join(home, '.config', 'ngrok'), { recursive: true });
    writeFileSync(join(home, '.config', 'ngrok', 'ngrok.yml'), 'version: 3\nagent:\n  authtoken: v3-token-456\n');
    assert.deepEqual(await importNgrokAuthtoken(opts), { ok: true, authtoken: 'v3-token-456', source: join(home, '.config', 'ngrok', 'ngrok.yml') });

    assert.deepEqual(await importNgrokAuthtoken({ ...opts, env: { NGROK_AUTHTOKEN: ' env-token-789 ' } }), { ok: true, authtoken: 'env-token-789', source: 'NGROK_AUTHTOKEN' });

    // A broken file is skipped (the legacy one still answers); the error never quotes a value.
    writeFileSync(join(home, '.config', 'ngrok', 'ngrok.yml'), 'agent: [unclosed\n  authtoken: "secret-in-broken-file');
    assert.deepEqual(await importNgrokAuthtoken(opts), { ok: true, authtoken: 'legacy-token-123', source: join(home, '.ngrok2', 'ngrok.yml') });
    rmSync(join(home, '.ngrok2'), { recursive: true });
    const broken = await importNgrokAuthtoken(opts);
    assert.equal(broken.ok, false);
    if (!broken.ok) {
      assert.match(broken.error.message, /not valid YAML/);
      assert.ok(!JSON.stringify(broken).includes('secret-in-broken-file'));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
