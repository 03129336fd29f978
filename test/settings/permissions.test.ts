// test: damaged settings folders with real permissions — a read-only folder (even with a valid file), an
// unreadable settings.json (EACCES), a settings.json that is a folder (EISDIR), an unreadable secrets.json.
// File modes mean nothing to a root with its capabilities, so each case opens the store and starts the
// app's core in a child process that obeys them: as root, the same uid with CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH dropped (setpriv), so it still reads the checkout wherever CI cloned it; as any other
// user, that user. The test fails, never skips, when that is impossible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./open-as-user.child.ts', import.meta.url));
/** Who owns the prepared files: the uid the child runs as (root without its file-permission bypass). */
const OWNER = process.getuid?.() ?? 0;
const GROUP = process.getgid?.() ?? 0;

/** A settings file as Porthole writes it: one tunnel, normalised, migration mark set. */
const VALID = `${JSON.stringify({
  tunnels: [{ name: 'web', target: '3000', mode: 'public', startWithPorthole: false }],
  startAtLogin: false,
  ngrok: {},
  __internal__: { migrations: { version: '0.1.0' } },
})}`;

interface ChildResult {
  started: boolean;
  error?: unknown;
  tunnels?: string[];
  problems?: { kind: string; issue: string | null; file: string; reason: string }[];
  notices?: { title: string; body: string }[];
  shown?: unknown[];
  save?: 'ok' | { code: string; message: string };
}

/** A folder prepared by `setup`, then opened by a child process that file modes apply to. */
function runAsNobody(setup: (dir: string) => void): { dir: string; result: ChildResult } {
  const parent = mkdtempSync(join(tmpdir(), 'porthole-perm-'));
  chmodSync(parent, 0o755);
  const dir = join(parent, 'userData');
  mkdirSync(dir);
  chownSync(dir, OWNER, GROUP);
  setup(dir);
  const drop = '-dac_override,-dac_read_search';
  const cmd = OWNER === 0 ? ['setpriv', `--bounding-set=${drop}`, `--inh-caps=${drop}`, process.execPath] : [process.execPath];
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), '--import', 'tsx', CHILD, dir], { encoding: 'utf8', env: { ...process.env, HOME: dir }, timeout: 60_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1)!;
  return { dir, result: JSON.parse(line) as ChildResult };
}

const cleanup = (dir: string): void => {
  chmodSync(dir, 0o755);
  rmSync(join(dir, '..'), { recursive: true, force: true });
};

test('a read-only folder with a valid file: the app starts on it, says so, and nothing is rewritten', () => {
  const { dir, result } = runAsNobody((d) => {
    writeFileSync(join(d, 'settings.json'), VALID);
    chownSync(join(d, 'settings.json'), OWNER, GROUP);
    chmodSync(d, 0o555);
  });
  try {
    assert.equal(result.started, true, JSON.stringify(result.error));
    assert.deepEqual(result.tunnels, ['web']);
    assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), VALID, 'opening never rewrites the file');
    assert.deepEqual(result.problems?.map((p) => [p.kind, p.issue, p.file]), [['settings', 'read-only', join(dir, 'settings.json')]]);
    assert.match(result.notices?.[0]?.title ?? '', /cannot save its settings/);
    assert.ok(result.notices?.[0]?.body.includes(join(dir, 'settings.json')), 'the notice says where');
    assert.deepEqual(result.shown, [{ kind: 'settings' }]);
    // A save is refused as data: the code, the file, the reason.
    assert.equal(typeof result.save, 'object');
    const save = result.save as { code: string; message: string };
    assert.equal(save.code, 'SETTINGS_NOT_WRITABLE');
    assert.ok(save.message.includes(join(dir, 'settings.json')) && /EACCES/.test(save.message), save.message);
  } finally {
    cleanup(dir);
  }
});

test('an unreadable settings.json (EACCES): the app starts empty, names the file, never saves over it', () => {
  const { dir, result } = runAsNobody((d) => {
    writeFileSync(join(d, 'settings.json'), VALID);
    chmodSync(join(d, 'settings.json'), 0o000); // nobody, its owner included, may read it
  });
  try {
    assert.equal(result.started, true, JSON.stringify(result.error));
    assert.deepEqual(result.tunnels, []);
    assert.deepEqual(result.problems?.map((p) => [p.kind, p.issue, p.file]), [['settings', 'unreadable', join(dir, 'settings.json')]]);
    assert.match(result.problems![0]!.reason, /^EACCES/);
    assert.match(result.notices?.[0]?.title ?? '', /cannot read its settings file/);
    assert.ok(result.notices?.[0]?.body.includes(join(dir, 'settings.json')));
    assert.equal((result.save as { code: string }).code, 'SETTINGS_NOT_WRITABLE');
    assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), VALID, 'the unreadable file is untouched');
  } finally {
    cleanup(dir);
  }
});

test('settings.json that is a folder (EISDIR): the app starts, names it, leaves it alone', () => {
  const { dir, result } = runAsNobody((d) => {
    mkdirSync(join(d, 'settings.json'));
    chownSync(join(d, 'settings.json'), OWNER, GROUP);
  });
  try {
    assert.equal(result.started, true, JSON.stringify(result.error));
    assert.deepEqual(result.problems?.map((p) => [p.kind, p.issue]), [['settings', 'unreadable']]);
    assert.match(result.problems![0]!.reason, /EISDIR/);
    assert.equal(statSync(join(dir, 'settings.json')).isDirectory(), true);
    assert.equal((result.save as { code: string }).code, 'SETTINGS_NOT_WRITABLE');
  } finally {
    cleanup(dir);
  }
});

test('an unreadable secrets.json: the settings still open, the secrets file is named and left alone', () => {
  const { dir, result } = runAsNobody((d) => {
    writeFileSync(join(d, 'settings.json'), VALID);
    chownSync(join(d, 'settings.json'), OWNER, GROUP);
    writeFileSync(join(d, 'secrets.json'), '{"secrets":{}}');
    chmodSync(join(d, 'secrets.json'), 0o000);
  });
  try {
    assert.equal(result.started, true, JSON.stringify(result.error));
    assert.deepEqual(result.tunnels, ['web']);
    assert.deepEqual(result.problems?.map((p) => [p.kind, p.issue, p.file]), [['secrets', 'unreadable', join(dir, 'secrets.json')]]);
    assert.equal(result.save, 'ok', 'the settings themselves are still saved');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).tunnels.map((t: { name: string }) => t.name), ['web', 'extra']);
    chmodSync(join(dir, 'secrets.json'), 0o600);
    assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), '{"secrets":{}}');
  } finally {
    cleanup(dir);
  }
});
