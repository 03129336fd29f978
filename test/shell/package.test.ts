// test: packaging as CI can check it without an Electron binary. electron-builder.yml passes
// electron-builder's own validator; `--linux --dir` against a stub Electron dist (a fake `electron`
// executable) yields an app whose asar holds dist/ and whose app.asar.unpacked holds the ngrok native
// module; electronegativity over that app.asar finds nothing that the committed allowlist doesn't explain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import * as asar from '@electron/asar';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/util.js';
// @ts-expect-error: a plain .mjs build script, no type declarations
import { buildAll } from '../../scripts/build.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

let tmp: string;
let appDir: string; // release/linux-unpacked
let pack: { status: number | null; log: string };

/** A stand-in for Electron's unpacked Linux dist: the executable electron-builder renames, and two locales. */
function stubElectronDist(dir: string): string {
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub electron: the real binary is not available here" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  writeFileSync(join(dir, 'locales', 'de.pak'), '');
  writeFileSync(join(dir, 'version'), '45.5.0');
  return dir;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'porthole-pack-'));
  // The checkout itself, as `npm run pack` packs it: a fresh dist/, the config, and node_modules as
  // npm installed it (electron-builder walks its real dependency tree; a linked copy elsewhere loses
  // it). Only the stub Electron and the output folder are outside the checkout.
  await buildAll(join(ROOT, 'dist'));
  const out = join(tmp, 'release');
  const r = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      '--dir',
      '--projectDir',
      ROOT,
      `-c.electronDist=${stubElectronDist(join(tmp, 'electron-stub'))}`,
      `-c.directories.output=${out}`,
      '--publish',
      'never',
    ],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
  );
  pack = { status: r.status, log: `${r.stdout}\n${r.stderr}` };
  appDir = join(out, 'linux-unpacked');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("electron-builder.yml passes electron-builder's own validator, which does reject a bad key", async () => {
  await validateConfiguration(structuredClone(config), new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...structuredClone(config), notAnOption: true }, new DebugLogger(false)), /notAnOption/);
});

test('electron-builder.yml: targets, tray-app flag on macOS, native module outside the asar', () => {
  assert.equal(config.productName, 'Porthole');
  assert.ok(config.appId);
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.equal(config.mac.extendInfo.LSUIElement, true);
  assert.ok(config.asarUnpack.includes('node_modules/@ngrok/**'));
  assert.equal(config.npmRebuild, false);
  for (const os of ['linux', 'mac', 'win']) assert.ok(existsSync(join(ROOT, config[os].icon)), `${os} icon exists`);
});

test('--linux --dir against a stub Electron: dist/ in the asar, the ngrok .node unpacked beside it', () => {
  assert.equal(pack.status, 0, pack.log);
  const exe = join(appDir, 'porthole');
  assert.ok(statSync(exe).mode & 0o111, 'the renamed executable is executable');
  assert.ok(existsSync(join(appDir, 'locales', 'en-US.pak')));
  assert.ok(!existsSync(join(appDir, 'locales', 'de.pak')), 'electronLanguages dropped the other locales');

  const archive = join(appDir, 'resources', 'app.asar');
  const files = new Set(asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/')));
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  assert.equal(pkg.main, 'dist/main/index.js');
  for (const f of [
    `/${pkg.main}`,
    '/dist/preload/index.cjs',
    '/dist/renderer/index.html',
    '/dist/renderer/app.js',
    '/dist/assets/tray-idle.png',
    '/dist/assets/tray-idleTemplate@2x.png',
    '/node_modules/@ngrok/ngrok/index.js',
  ]) {
    assert.ok(files.has(f), `${f} is in app.asar`);
  }
  assert.deepEqual([...files].filter((f) => f.startsWith('/dist/') && f.endsWith('.map')), [], 'no source maps of ours ship');
  assert.ok(![...files].some((f) => /^\/(main|test|scripts|renderer)\//.test(f)), 'no sources ship');

  const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', '@ngrok');
  const natives = readdirSync(unpacked, { recursive: true }).map(String).filter((f) => f.endsWith('.node'));
  assert.ok(natives.length > 0, 'a .node file is in app.asar.unpacked/node_modules/@ngrok');
  for (const n of natives) {
    const entry = asar.statFile(archive, `node_modules/@ngrok/${n}`) as { unpacked?: boolean };
    assert.equal(entry.unpacked, true, `${n} is marked unpacked in the asar header`);
    assert.ok(statSync(join(unpacked, n)).size > 1_000_000, `${n} is the real library`);
  }
});

interface Allowed {
  check: string;
  file: string;
  /**
   * What the finding's line of the built file says (a snippet of it). A new finding elsewhere in the
   * same file is not excused, and unlike a line number this survives edits above it.
   */
  code: string;
  reason: string;
}

test('electronegativity over the packed app.asar: every finding is fixed or explained in the allowlist', () => {
  assert.equal(pack.status, 0, 'the app was packed');
  const sarif = join(tmp, 'electronegativity.sarif');
  const r = spawnSync(
    process.execPath,
    [
      // the tool fetches translations and Electron's release list; the guard keeps it on this machine
      '--require',
      join(ROOT, 'test', 'shell', 'support', 'offline-guard.cjs'),
      require.resolve('@doyensec/electronegativity/dist/index.js'),
      '-i',
      join(appDir, 'resources', 'app.asar'),
      '-e',
      '45.5.0',
      '-r',
      // needs Electron's online release list; Electron's version is checked by hand when it is bumped
      '-x',
      'AvailableSecurityFixesGlobalCheck',
      '-o',
      sarif,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const results = (JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results as any[]).map((x) => ({
    check: String(x.ruleId),
    // the tool reports files inside the asar by odd relative paths; keep the part from dist/ on
    file: /(?:^|\/)(dist\/.+|package\.json)$/.exec(String(x.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''))?.[1] ?? 'N/A',
    line: Number(x.locations?.[0]?.physicalLocation?.region?.startLine ?? 0),
    message: String(x.message?.text ?? ''),
  }));
  const allow = JSON.parse(readFileSync(join(ROOT, 'test', 'shell', 'electronegativity-allowlist.json'), 'utf8')) as Allowed[];
  for (const a of allow) assert.ok(a.reason.length > 40, `allowlist entry ${a.check} ${a.file} says why`);
  for (const a of allow) assert.ok(a.code.trim().length >= 5, `allowlist entry ${a.check} ${a.file} names the code it excuses`);
  const lineOf = (file: string, line: number): string => (file.startsWith('dist/') || file === 'package.json' ? readFileSync(join(ROOT, file), 'utf8').split('\n')[line - 1] ?? '' : '');
  const found = results.map((f) => ({ ...f, text: lineOf(f.file, f.line) }));
  const same = (a: Allowed, f: { check: string; file: string; text: string }) => a.check === f.check && a.file === f.file && f.text.includes(a.code);
  const unexplained = found.filter((f) => !allow.some((a) => same(a, f)));
  assert.deepEqual(unexplained, [], 'findings neither fixed nor explained in test/shell/electronegativity-allowlist.json (an entry matches check, file and the code on that line)');
  // and no stale excuses: each allowlist entry still matches a finding
  const stale = allow.filter((a) => !found.some((f) => same(a, f)));
  assert.deepEqual(stale, [], 'allowlist entries that no longer match any finding');
});
