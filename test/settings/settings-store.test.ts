// test: the settings file through the real conf on a temp directory — round trip, migration, a corrupt
// file moved aside with nothing else lost, and secrets encrypted on disk (never in plain text).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import { parseSettings, migrateSettings, type StoredTunnel } from '../../main/settings/schema.js';
import { startPorthole } from '../../main/app.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'porthole-settings-'));

const web: StoredTunnel = {
  name: 'web',
  target: '3000',
  mode: 'oidc',
  startWithPorthole: true,
  fusionauth: { issuer: 'https://auth.example.com', clientId: 'c-1', allowEmails: ['alice@example.com'], allowDomains: ['example.org'], scopes: ['email'] },
};

test('round trip: what is written is read back after reopening', () => {
  const cwd = tmp();
  try {
    const a = openSettingsStore({ cwd });
    assert.deepEqual(a.settings.read(), { tunnels: [], startAtLogin: false, ngrok: {} });
    a.settings.write({ tunnels: [web], startAtLogin: true, ngrok: { serverAddr: 'ingress.example.com:443' } });
    const b = openSettingsStore({ cwd });
    assert.deepEqual(b.settings.read(), { tunnels: [web], startAtLogin: true, ngrok: { serverAddr: 'ingress.example.com:443' } });
    assert.deepEqual(b.settings.problems, []);
    assert.equal(b.settings.path, join(cwd, 'settings.json'));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('write refuses invalid settings and leaves the file as it was', () => {
  const cwd = tmp();
  try {
    const { settings } = openSettingsStore({ cwd });
    settings.write({ tunnels: [web], startAtLogin: false, ngrok: {} });
    const before = readFileSync(settings.path, 'utf8');
    assert.throws(() => settings.write({ tunnels: [{ ...web, target: '70000' }], startAtLogin: false, ngrok: {} }), /tunnels\[0\]\.target/);
    assert.equal(readFileSync(settings.path, 'utf8'), before);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('migration: a development-build file (port, autoStart, top-level serverAddr, a stray secret) is upgraded', () => {
  const cwd = tmp();
  try {
    writeFileSync(
      join(cwd, 'settings.json'),
      JSON.stringify({
        serverAddr: 'ingress.example.com:443',
        authtoken: 'plain-token-from-old-build',
        tunnels: [{ name: 'api', port: 8080, mode: 'public', autoStart: true, clientSecret: 'old-secret-xyz' }],
      }),
    );
    const { settings } = openSettingsStore({ cwd, projectVersion: '0.1.0' });
    assert.deepEqual(settings.read(), {
      tunnels: [{ name: 'api', target: '8080', mode: 'public', startWithPorthole: true }],
      startAtLogin: false,
      ngrok: { serverAddr: 'ingress.example.com:443' },
    });
    const raw = readFileSync(join(cwd, 'settings.json'), 'utf8');
    assert.doesNotMatch(raw, /plain-token-from-old-build|old-secret-xyz/);
    assert.equal(JSON.parse(raw).__internal__.migrations.version, '0.1.0');
    assert.deepEqual(settings.problems, []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('migrateSettings is pure and skips migrations the file already had', () => {
  const old = { tunnels: [{ name: 'a', port: 1 }] };
  const copy = structuredClone(old);
  assert.deepEqual(migrateSettings(old, '0.0.0'), { tunnels: [{ name: 'a', target: '1', startWithPorthole: false }], ngrok: {} });
  assert.deepEqual(old, copy);
  assert.deepEqual(migrateSettings(old, '0.1.0'), old);
});

test('a corrupt settings file is moved aside and reported; the secrets survive', async () => {
  const cwd = tmp();
  const enc = createAesGcmEncryptor();
  try {
    const first = openSettingsStore({ cwd });
    first.settings.write({ tunnels: [web], startAtLogin: false, ngrok: {} });
    await createSecretStore(first.secretsBackend, enc).set(SECRET_KEYS.ngrokAuthtoken, 'tok-survives-123');
    writeFileSync(join(cwd, 'settings.json'), '{"tunnels": [ {"name": "web", ');
    const now = Date.UTC(2026, 10, 27, 9, 15, 0);
    const again = openSettingsStore({ cwd, now: () => now });
    assert.equal(again.settings.problems.length, 1);
    const p = again.settings.problems[0]!;
    assert.equal(p.kind, 'settings');
    assert.equal(p.movedTo, join(cwd, 'settings.json.corrupt-2026-11-27T09-15-00-000Z'));
    assert.equal(readFileSync(p.movedTo, 'utf8'), '{"tunnels": [ {"name": "web", ');
    assert.match(p.reason, /JSON/);
    assert.deepEqual(again.settings.read().tunnels, []);
    // The fresh file works, and the secret in its own file is untouched.
    again.settings.write({ tunnels: [web], startAtLogin: true, ngrok: {} });
    assert.equal(openSettingsStore({ cwd }).settings.read().startAtLogin, true);
    assert.equal(await createSecretStore(again.secretsBackend, enc).get(SECRET_KEYS.ngrokAuthtoken), 'tok-survives-123');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a file with one bad tunnel keeps the good ones and sets the original aside', () => {
  const cwd = tmp();
  try {
    const original = JSON.stringify({ tunnels: [web, { name: 'bad', target: '0', mode: 'public' }], startAtLogin: true });
    writeFileSync(join(cwd, 'settings.json'), original);
    const { settings } = openSettingsStore({ cwd });
    assert.equal(settings.problems.length, 1);
    assert.match(settings.problems[0]!.reason, /tunnels\[1\]\.target/);
    assert.equal(settings.problems[0]!.keptTunnels, 1);
    assert.deepEqual(settings.read().tunnels, [web]);
    assert.equal(settings.read().startAtLogin, true);
    const aside = readdirSync(cwd).filter((f) => f.startsWith('settings.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(cwd, aside[0]!), 'utf8'), original);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a schema violation (a secret in the file) is treated as corrupt, and the secret is not carried over', () => {
  const cwd = tmp();
  try {
    writeFileSync(
      join(cwd, 'settings.json'),
      JSON.stringify({ __internal__: { migrations: { version: '0.1.0' } }, tunnels: [{ ...web, fusionauth: { ...web.fusionauth, clientSecret: 'leaked-secret-1' } }] }),
    );
    const before = readFileSync(join(cwd, 'settings.json'));
    const { settings } = openSettingsStore({ cwd });
    assert.equal(settings.problems.length, 1);
    assert.match(settings.problems[0]!.reason, /schema/i);
    assert.deepEqual(readFileSync(settings.problems[0]!.movedTo), before);
    assert.deepEqual(settings.read().tunnels, [web]);
    assert.doesNotMatch(readFileSync(join(cwd, 'settings.json'), 'utf8'), /leaked-secret-1/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('secrets: encryption round trip, and neither file holds a secret in plain text', async () => {
  const cwd = tmp();
  try {
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    settings.write({ tunnels: [web], startAtLogin: false, ngrok: {} });
    const key = Buffer.alloc(32, 7);
    const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(key));
    const token = '2abcDEFghiJKLmnoPQRstuVWXyz_0123456789';
    const clientSecret = 'fa-client-secret-ÄÖÜ-42';
    await secrets.set(SECRET_KEYS.ngrokAuthtoken, token);
    await secrets.set(SECRET_KEYS.clientSecret('web'), clientSecret);
    assert.equal(await secrets.has(SECRET_KEYS.clientSecret('web')), true);
    assert.equal(await secrets.has(SECRET_KEYS.clientSecret('other')), false);

    // A fresh process (new store objects, same key) reads them back.
    const reopened = createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(key));
    assert.equal(await reopened.get(SECRET_KEYS.ngrokAuthtoken), token);
    assert.equal(await reopened.get(SECRET_KEYS.clientSecret('web')), clientSecret);

    for (const f of readdirSync(cwd)) {
      const raw = readFileSync(join(cwd, f));
      for (const s of [token, clientSecret]) {
        assert.equal(raw.includes(Buffer.from(s)), false, `${f} holds a secret in plain text`);
        assert.equal(raw.includes(Buffer.from(s).toString('base64')), false, `${f} holds a secret as plain base64`);
      }
    }
    const stored = JSON.parse(readFileSync(join(cwd, 'secrets.json'), 'utf8'));
    assert.match(stored.secrets['ngrok-authtoken'].c, /^[A-Za-z0-9+/]+=*$/);

    // The wrong key cannot read them, and says so without the value.
    const wrong = createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(Buffer.alloc(32, 8)));
    await assert.rejects(wrong.get(SECRET_KEYS.ngrokAuthtoken), (e: Error) => /cannot be decrypted/.test(e.message) && !e.message.includes(token));

    await secrets.delete(SECRET_KEYS.clientSecret('web'));
    assert.equal(await secrets.get(SECRET_KEYS.clientSecret('web')), undefined);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('secrets: refused when the OS offers no encryption', async () => {
  const cwd = tmp();
  try {
    const real = createAesGcmEncryptor();
    const none = { ...real, isEncryptionAvailable: () => false, backend: () => 'unknown' };
    const secrets = createSecretStore(openSettingsStore({ cwd }).secretsBackend, none);
    await assert.rejects(secrets.set(SECRET_KEYS.ngrokAuthtoken, 'x-secret-value'), /no way to encrypt/);
    assert.equal(await secrets.has(SECRET_KEYS.ngrokAuthtoken), false);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('parseSettings names the field and validates with the engine schemas', () => {
  const r = parseSettings({ tunnels: [{ ...web, fusionauth: { ...web.fusionauth, issuer: 'acme.com' } }], startAtLogin: 'yes' });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const fields = r.errors.map((e) => e.field);
  assert.ok(fields.includes('tunnels[0].fusionauth.issuer'), fields.join());
  assert.ok(fields.includes('startAtLogin'));
  assert.equal(parseSettings({ tunnels: [web, web] }).ok, false);
});

test('a stored tunnel is held to the same parser as every other boundary, without its client secret', () => {
  const issuer = parseSettings({ tunnels: [{ ...web, fusionauth: { ...web.fusionauth, issuer: 'acme.com' } }] });
  assert.ok(!issuer.ok);
  assert.match(issuer.errors[0]!.message, /^tunnels\[0\]\.fusionauth\.issuer not an absolute https URL/, 'the field once, at the start');
  assert.ok(issuer.errors[0]!.fix, 'with the field\'s fix');
  // The parser's rules that no JSON schema knows: a pooled URL needs a domain of one's own.
  const pooled = parseSettings({ tunnels: [{ name: 'p', target: '3000', mode: 'public', startWithPorthole: false, pool: true }] });
  assert.deepEqual(!pooled.ok && pooled.errors.map((e) => e.field), ['tunnels[0].pool']);
  assert.deepEqual(!pooled.ok && pooled.salvaged.tunnels, []);
  const flag = parseSettings({ tunnels: [{ ...web, startWithPorthole: 'yes' }] });
  assert.deepEqual(!flag.ok && flag.errors.map((e) => [e.field, e.message]), [['tunnels[0].startWithPorthole', 'tunnels[0].startWithPorthole must be true or false']]);
  assert.deepEqual(!parseSettings({ tunnels: ['web'] }).ok && (parseSettings({ tunnels: ['web'] }) as { errors: { field?: string }[] }).errors.map((e) => e.field), ['tunnels[0]']);
  // A secret that found its way into the file is not read back into the settings.
  const leaked = parseSettings({ tunnels: [{ ...web, record: false, hostHeader: 'rewrite', fusionauth: { ...web.fusionauth, clientSecret: 'leaked-secret-1' } }] });
  assert.ok(leaked.ok, JSON.stringify(leaked));
  assert.deepEqual(leaked.value.tunnels, [{ ...web, record: false, hostHeader: 'rewrite' }]);
  assert.ok(!JSON.stringify(leaked).includes('leaked-secret-1'));
});

test('a corrupt secrets file is moved aside and reported as such; the settings survive', () => {
  const cwd = tmp();
  try {
    openSettingsStore({ cwd }).settings.write({ tunnels: [web], startAtLogin: true, ngrok: {} });
    writeFileSync(join(cwd, 'secrets.json'), '{"secrets": {"ngrok-authtoken": ');
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    assert.deepEqual(
      settings.problems.map((p) => [p.kind, p.file, p.movedTo.startsWith(join(cwd, 'secrets.json.corrupt-'))]),
      [['secrets', join(cwd, 'secrets.json'), true]],
    );
    assert.equal(readFileSync(settings.problems[0]!.movedTo, 'utf8'), '{"secrets": {"ngrok-authtoken": ');
    assert.deepEqual(settings.read(), { tunnels: [web], startAtLogin: true, ngrok: {} });
    assert.equal(secretsBackend.has('secrets.ngrok-authtoken'), false);
    secretsBackend.set('secrets.x', { v: 1, c: 'AA==' });
    assert.equal(openSettingsStore({ cwd }).settings.problems.length, 0, 'the fresh secrets file opens cleanly');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('secrets.json is written for this user only (0600), on the first write and every later one, whatever the umask', async () => {
  const cwd = tmp();
  const umask = process.umask(0o000); // the loosest umask: only the file's own mode keeps others out
  try {
    const secrets = createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(Buffer.alloc(32, 3)));
    await secrets.set(SECRET_KEYS.ngrokAuthtoken, 'first-token-value');
    assert.equal(statSync(join(cwd, 'secrets.json')).mode & 0o777, 0o600);
    // a later write replaces the file (atomically, a new inode): the new file is 0600 too
    await secrets.set(SECRET_KEYS.clientSecret('web'), 'a-client-secret');
    await secrets.delete(SECRET_KEYS.ngrokAuthtoken);
    assert.equal(statSync(join(cwd, 'secrets.json')).mode & 0o777, 0o600);
  } finally {
    process.umask(umask);
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('opening a valid settings folder that may be written rewrites nothing: same inode, mode, bytes and mtime', async () => {
  const cwd = tmp();
  try {
    // The files as Porthole wrote them, then given a mode Porthole would not choose, so a rewrite shows.
    const first = openSettingsStore({ cwd });
    first.settings.write({ tunnels: [web], startAtLogin: false, ngrok: { serverAddr: 'ingress.example.com:443' } });
    const key = Buffer.alloc(32, 9);
    await createSecretStore(first.secretsBackend, createAesGcmEncryptor(key)).set(SECRET_KEYS.clientSecret('web'), 'a-client-secret');
    chmodSync(join(cwd, 'settings.json'), 0o640);
    const files = ['settings.json', 'secrets.json'].map((f) => join(cwd, f));
    const look = (f: string) => {
      const st = statSync(f);
      return { ino: st.ino, mode: st.mode, mtimeMs: st.mtimeMs, bytes: readFileSync(f).toString('base64') };
    };
    const before = files.map(look);
    await new Promise((r) => setTimeout(r, 20)); // a rewrite in the same millisecond would keep the mtime

    // Open it as the app does at launch: the store, the secrets, the whole core started and quit.
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    assert.deepEqual(settings.problems, []);
    const app = await startPorthole({
      store: settings,
      secrets: createSecretStore(secretsBackend, createAesGcmEncryptor(key)),
      tray: { render: () => undefined },
      window: { show: () => undefined, pushState: () => undefined },
      notifier: { notify: () => undefined },
      clipboard: { writeText: () => undefined },
      openExternal: async () => undefined,
      loginItem: { get: () => false, set: () => undefined },
      trustedSender: 'file:///w/index.html',
      env: {},
      home: cwd,
    });
    assert.deepEqual(settings.read().tunnels.map((t) => t.name), ['web']);
    await app.quit();
    assert.deepEqual(files.map(look), before, 'opening changed a file');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
