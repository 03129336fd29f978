// test: the settings window's BrowserWindow options carry every security flag (main/window-options.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { settingsWindowOptions } from '../../main/window-options.js';

test('settings window: isolated, sandboxed, no node, web security on, no webview, hidden until ready', () => {
  const opts = settingsWindowOptions('/app/dist/preload/index.cjs');
  assert.deepEqual(opts.webPreferences, {
    preload: '/app/dist/preload/index.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick',
  });
  assert.equal(opts.show, false);
  assert.equal(opts.title, 'Porthole');
  assert.ok(opts.minWidth <= 720, 'the window may be as narrow as the layout the browser test checks');
  // nothing that would switch a protection off may sneak in beside them
  for (const key of ['enableBlinkFeatures', 'enableRemoteModule', 'contextIsolation'] as const) {
    assert.ok(!(key in opts), `${key} must not sit at the top level`);
  }
});

test('settings window options are a fresh object each time (no shared mutable defaults)', () => {
  const a = settingsWindowOptions('/a.cjs');
  const b = settingsWindowOptions('/b.cjs');
  assert.notEqual(a.webPreferences, b.webPreferences);
  assert.equal(b.webPreferences.preload, '/b.cjs');
});

test("the window paints the page's background before the page does, light or dark", () => {
  const css = readFileSync('renderer/styles.css', 'utf8');
  const light = /:root\s*{[^}]*--bg:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
  const dark = /prefers-color-scheme:\s*dark\)\s*{\s*:root\s*{[^}]*--bg:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
  assert.equal(settingsWindowOptions('/p.cjs').backgroundColor, light);
  assert.equal(settingsWindowOptions('/p.cjs', { dark: true }).backgroundColor, dark);
});
