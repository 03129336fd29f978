// test: the README's set-up, packaging and sandbox sections say what is true today — Node 22 in one
// command, the offline error Electron 45 really throws (read from node_modules/electron), `npm run pack`
// and `npm run dist` as package.json defines them, examples with the default name `port-3000` — and
// `npm run sandbox` really starts an ingress and a FusionAuth stand-in that Porthole can use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import ngrok from '@ngrok/ngrok';
import { checkCommand } from '../../main/cli/check.js';
import { defaultTunnelName } from '../../common/view-rules.js';
import { defaultName } from '../../main/cli/args.js';

const README = readFileSync('README.md', 'utf8');
const PKG = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

test('set-up: Node 22 in one command, and the offline error quoted as Electron prints it', () => {
  assert.ok(README.includes('bash scripts/use-node22.sh && export PATH="$PWD/.cache/node22/bin:$PATH"'));
  // the words electron's index.js throws when the runtime could not be downloaded
  const index = readFileSync('node_modules/electron/index.js', 'utf8');
  const thrown = [...index.matchAll(/throw new Error\(\s*'([^']+)'/g)].map((m) => m[1]!);
  assert.ok(thrown.length > 0, 'electron/index.js throws no message: read it again');
  for (const message of thrown) assert.ok(README.includes(message), `README does not quote: ${message}`);
  assert.ok(README.includes(readFileSync('node_modules/electron/index.js', 'utf8').match(/console\.log\('([^']+)'\)/)![1]!));
});

test('packaging: npm run pack and npm run dist are documented as package.json has them, with the download', () => {
  assert.match(PKG.scripts.pack!, /electron-builder --dir/);
  assert.match(PKG.scripts.dist!, /electron-builder$/);
  assert.match(README, /npm run pack/);
  assert.match(README, /npm run dist/);
  assert.match(README, /electron-builder downloads the Electron runtime/);
});

test('examples use the name Porthole gives by default (port-3000), the same in the CLI and the window', () => {
  assert.doesNotMatch(README, /"tunnel":"web"|`web: |`web {2}GET/);
  assert.match(README, /`port-3000: online at https:\/\/… → 3000 \(Ctrl-C to stop\)`/);
  for (const target of ['3000', '127.0.0.1:8080', 'localhost:5173', '[::1]:80', '---']) assert.equal(defaultTunnelName(target), defaultName(target), target);
});

test('npm run sandbox: an ingress and a FusionAuth stand-in that check and a tunnel really use', async () => {
  assert.equal(PKG.scripts.sandbox, 'node --import tsx scripts/sandbox.ts');
  assert.match(README, /npm run sandbox/);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const upstream = http.createServer((req, res) => res.end(`hello ${req.url}`));
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no sandbox within 30 s: ${out}`)), 30_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('In the window:')) (clearTimeout(t), resolve());
      });
      child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${out}`)));
    });
    const flag = (name: string) => new RegExp(`--${name} (\\S+)`).exec(out)?.[1] ?? assert.fail(`no --${name} in:\n${out}`);
    const [serverAddr, caFile, issuer, clientId, secretFile] = ['server-addr', 'ca-file', 'issuer', 'client-id', 'client-secret-file'].map(flag) as [string, string, string, string, string];
    assert.ok(!out.includes(readFileSync(secretFile, 'utf8')), 'the client secret is never printed');

    // porthole check against the stand-in: everything passes
    let checked = '';
    const code = await checkCommand(['--issuer', issuer, '--client-id', clientId, '--client-secret-file', secretFile, '--json'], { stdout: (s) => void (checked += s), stderr: () => undefined, env: {} });
    assert.equal(code, 0, checked);
    assert.equal(JSON.parse(checked).ok, true);

    // a tunnel through the ingress with the printed address and CA file, any authtoken
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const listener = await ngrok.forward({ addr: `127.0.0.1:${(upstream.address() as AddressInfo).port}`, authtoken: 'sandbox', server_addr: serverAddr, root_cas: caFile, force_new_session: true });
    assert.equal(await (await fetch(`${listener.url()}/through-the-sandbox`)).text(), 'hello /through-the-sandbox');
    await ngrok.kill();
  } finally {
    upstream.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
});
