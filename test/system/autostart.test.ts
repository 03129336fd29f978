// test: "start at login" on Linux through a real XDG autostart entry in a temp config folder: written,
// read back, switched off by the desktop (Hidden / GNOME's flag), removed; Exec quoting per the spec;
// and the settings window's toggle goes through it and tells the truth when the entry can't be written.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autostartEntry, autostartFile, createXdgAutostart, desktopExecArg } from '../../main/system/autostart.js';
import { createHandlers } from '../../main/ipc/handlers.js';
import { createOperations } from '../../main/core/operations.js';
import { createEngine } from '../../main/engine/engine.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore } from '../../main/settings/secrets.js';

test('the entry goes to $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
  assert.equal(autostartFile({ env: { XDG_CONFIG_HOME: '/x/cfg' }, home: '/home/a' }), '/x/cfg/autostart/porthole.desktop');
  assert.equal(autostartFile({ env: {}, home: '/home/a' }), '/home/a/.config/autostart/porthole.desktop');
  assert.equal(autostartFile({ env: { XDG_CONFIG_HOME: '  ' }, home: '/home/a' }), '/home/a/.config/autostart/porthole.desktop');
});

test('Exec quoting follows the Desktop Entry spec', () => {
  assert.equal(desktopExecArg('/opt/Porthole/porthole'), '/opt/Porthole/porthole');
  assert.equal(desktopExecArg('/home/a/My Apps/Porthole.AppImage'), '"/home/a/My Apps/Porthole.AppImage"');
  assert.equal(desktopExecArg('/home/a/$HOME`x`"q"\\b'), '"/home/a/\\$HOME\\`x\\`\\"q\\"\\\\b"');
  assert.equal(desktopExecArg('/tmp/100%/p'), '/tmp/100%%/p');
  assert.match(autostartEntry('/opt/Porthole/porthole'), /^\[Desktop Entry\]\nType=Application\nName=Porthole\n.*\nExec=\/opt\/Porthole\/porthole\n/s);
});

test('on, read back, switched off by the desktop, off', () => {
  const cfg = mkdtempSync(join(tmpdir(), 'porthole-xdg-'));
  try {
    const item = createXdgAutostart({ exec: '/home/a/Apps/Porthole 0.1.0.AppImage', env: { XDG_CONFIG_HOME: cfg } });
    const file = join(cfg, 'autostart', 'porthole.desktop');
    assert.equal(item.get(), false);
    item.set(true);
    assert.equal(item.get(), true);
    assert.match(readFileSync(file, 'utf8'), /^Exec="\/home\/a\/Apps\/Porthole 0\.1\.0\.AppImage"$/m);
    // The desktop's own "startup applications" switch edits the entry instead of deleting it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    assert.equal(item.get(), false);
    writeFileSync(file, `${autostartEntry('/opt/p')}Hidden=true\n`);
    assert.equal(item.get(), false);
    item.set(true);
    assert.equal(item.get(), true);
    item.set(false);
    assert.equal(existsSync(file), false);
    assert.equal(item.get(), false);
    item.set(false); // already off: no error
  } finally {
    rmSync(cfg, { recursive: true, force: true });
  }
});

test('the window\'s "Start Porthole when I log in" writes the entry; one that cannot be written is reported, not pretended', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'porthole-xdg-app-'));
  const cfg = join(cwd, 'config');
  const WINDOW = 'file:///app/index.html';
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const engine = createEngine({ session: { authtoken: '' } });
  const ops = createOperations({
    store: settings,
    secrets: createSecretStore(secretsBackend, createAesGcmEncryptor()),
    engine,
    preflight: async () => ({ ok: true, checks: [] }),
    clipboard: { writeText: () => undefined },
    openExternal: async () => undefined,
    loginItem: createXdgAutostart({ exec: '/opt/Porthole/porthole', env: { XDG_CONFIG_HOME: cfg } }),
    listPorts: async () => [],
    probePort: async () => false,
    importAuthtoken: async () => ({ ok: false, searched: [], error: { code: 'NGROK_CONFIG_NOT_FOUND', message: 'none' } }),
    qrDataUrl: async () => '',
  });
  const h = createHandlers(ops, { trustedSender: WINDOW });
  try {
    const on = await h.saveSettings(WINDOW, { startAtLogin: true });
    assert.ok(on.ok && on.value.startAtLogin, JSON.stringify(on));
    assert.ok(existsSync(join(cfg, 'autostart', 'porthole.desktop')));
    assert.equal(settings.read().startAtLogin, true);

    // An autostart "folder" that is a file: nothing can be written there (as root too, unlike file modes).
    rmSync(join(cfg, 'autostart'), { recursive: true });
    writeFileSync(join(cfg, 'autostart'), '');
    const off = await h.saveSettings(WINDOW, { startAtLogin: false });
    assert.ok(off.ok && !off.value.startAtLogin, 'turning off needs no write when there is no entry');
    const refused = await h.saveSettings(WINDOW, { startAtLogin: true });
    assert.equal(!refused.ok && refused.error.code, 'LOGIN_ITEM');
    assert.equal(!refused.ok && refused.error.field, 'startAtLogin');
    assert.equal(settings.read().startAtLogin, false, 'the stored flag still says what the system does');
  } finally {
    await engine.stopAll();
    rmSync(cwd, { recursive: true, force: true });
  }
});
