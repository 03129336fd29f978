// test: the tray's menu, icon and tooltip as data, for each state a tunnel can be in; the click ids
// round-trip; notices for each transition; the coalescer collapses bursts.

import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce, parseMenuId, TRAY_COALESCE_MS, trayIcon, trayMenu, trayTooltip, tunnelItemId, type MenuItemSpec } from '../../main/tray/menu.js';
import { noticesFor } from '../../main/tray/notices.js';
import type { TunnelView } from '../../common/types.js';

const view = (name: string, state: TunnelView['state'], extra: Partial<TunnelView> = {}): TunnelView => ({ name, state, mode: 'oidc', target: '3000', since: 1, ...extra });
const URL_A = 'https://a1b2.ngrok.app';

const tunnelEntry = (menu: MenuItemSpec[], name: string) => menu.find((m) => m.type === 'submenu' && m.label?.startsWith(`${name} — `));
const ids = (items: MenuItemSpec[] = []) => items.filter((i) => i.id).map((i) => `${i.id}${i.enabled === false ? ' (disabled)' : ''}`);

test('no tunnels: idle, Copy URL disabled, the fixed entries in order', () => {
  const menu = trayMenu([], { startAtLogin: false });
  assert.deepEqual(menu, [
    { id: 'copy-first-url', label: 'Copy URL (no tunnel online)', enabled: false },
    { type: 'separator' },
    { label: 'No tunnels yet', enabled: false },
    { type: 'separator' },
    { id: 'new-tunnel', label: 'New tunnel…', enabled: true },
    { id: 'settings', label: 'Settings…', enabled: true },
    { type: 'separator' },
    { id: 'start-at-login', label: 'Start at login', type: 'checkbox', checked: false, enabled: true },
    { id: 'quit', label: 'Quit Porthole', enabled: true },
  ]);
  assert.equal(trayIcon([]), 'idle');
  assert.equal(trayTooltip([]), 'Porthole — no tunnels');
  assert.equal(trayMenu([], { startAtLogin: true }).find((m) => m.id === 'start-at-login')?.checked, true);
});

test('stopped: Start offered, no URL actions', () => {
  const v = view('web', 'stopped');
  const menu = trayMenu([v], { startAtLogin: false });
  const entry = tunnelEntry(menu, 'web')!;
  assert.equal(entry.label, 'web — Stopped, FusionAuth sign-in');
  assert.deepEqual(entry.submenu?.[0], { label: 'No public URL yet', enabled: false });
  assert.deepEqual(ids(entry.submenu), ['tunnel:web:copy-url (disabled)', 'tunnel:web:open (disabled)', 'tunnel:web:start', 'tunnel:web:verify (disabled)']);
  assert.equal(trayIcon([v]), 'idle');
  assert.equal(trayTooltip([v]), 'Porthole\nweb: Stopped');
});

test('starting and reconnecting: connecting icon, Stop offered', () => {
  for (const state of ['starting', 'reconnecting'] as const) {
    const v = view('web', state, state === 'reconnecting' ? { url: URL_A, protection: 'protected' } : {});
    const menu = trayMenu([v], { startAtLogin: false });
    const entry = tunnelEntry(menu, 'web')!;
    assert.ok(ids(entry.submenu).includes('tunnel:web:stop'), state);
    assert.ok(!ids(entry.submenu).includes('tunnel:web:start'), state);
    assert.equal(trayIcon([v]), 'connecting');
    // No tunnel online: nothing to copy on top.
    assert.equal(menu[0]?.enabled, false);
  }
});

test('online and protected: Copy URL of it on top, every action enabled, online icon, URL in the tooltip', () => {
  const v = view('web', 'online', { url: URL_A, protection: 'protected', protectionReason: 'redirects to FusionAuth' });
  const menu = trayMenu([view('api', 'stopped'), v], { startAtLogin: false });
  assert.deepEqual(menu[0], { id: 'copy-first-url', label: 'Copy URL of web', enabled: true });
  const entry = tunnelEntry(menu, 'web')!;
  assert.equal(entry.label, 'web — Online, protected');
  assert.deepEqual(entry.submenu?.[0], { label: URL_A, enabled: false });
  assert.deepEqual(ids(entry.submenu), ['tunnel:web:copy-url', 'tunnel:web:open', 'tunnel:web:stop', 'tunnel:web:verify']);
  assert.equal(trayIcon([v]), 'online');
  assert.equal(trayTooltip([v]), `Porthole\nweb: Online ${URL_A}`);
  // Tunnels are listed in the engine's order.
  assert.deepEqual(menu.filter((m) => m.type === 'submenu').map((m) => m.label?.split(' ')[0]), ['api', 'web']);
});

test('online but found open: error icon, loud label and warning line', () => {
  const v = view('web', 'online', { url: URL_A, protection: 'open' });
  const menu = trayMenu([v], { startAtLogin: false });
  const entry = tunnelEntry(menu, 'web')!;
  assert.equal(entry.label, 'web — Online, OPEN to anyone');
  assert.ok(entry.submenu?.some((i) => i.label === 'Anyone with the URL gets in' && i.enabled === false));
  assert.equal(trayIcon([v, view('b', 'online', { url: 'https://b.ngrok.app', protection: 'protected' })]), 'error');
  assert.equal(trayTooltip([v]), 'Porthole\nweb: Online (OPEN)');
  // A public tunnel is open on purpose: not an error.
  const pub = view('demo', 'online', { url: URL_A, protection: 'open', mode: 'public' });
  assert.equal(trayIcon([pub]), 'online');
  assert.equal(tunnelEntry(trayMenu([pub], { startAtLogin: false }), 'demo')!.label, 'demo — Online, public, no sign-in');
});

test('error: the message shown, Start offered again, error icon even beside an online tunnel', () => {
  const v = view('web', 'error', { error: { code: 'NGROK_AUTHTOKEN', ngrokCode: 'ERR_NGROK_105', message: 'ngrok rejected the authtoken.' } });
  const menu = trayMenu([v], { startAtLogin: false });
  const entry = tunnelEntry(menu, 'web')!;
  assert.equal(entry.label, 'web — Error, FusionAuth sign-in');
  assert.ok(entry.submenu?.some((i) => i.label === 'ngrok rejected the authtoken.'));
  assert.ok(ids(entry.submenu).includes('tunnel:web:start'));
  assert.equal(trayIcon([v, view('ok', 'online', { url: URL_A, protection: 'protected' })]), 'error');
});

test('every id the menu makes parses back to its action; foreign ids do not', () => {
  const menu = trayMenu([view('web-2', 'online', { url: URL_A }), view('api', 'stopped')], { startAtLogin: true });
  const all: string[] = [];
  const walk = (items: MenuItemSpec[]) => items.forEach((i) => (i.id && all.push(i.id), i.submenu && walk(i.submenu)));
  walk(menu);
  for (const id of all) assert.ok(parseMenuId(id), id);
  assert.deepEqual(parseMenuId(tunnelItemId('web-2', 'verify')), { kind: 'tunnel', name: 'web-2', action: 'verify' });
  assert.equal(parseMenuId('tunnel:web:delete'), undefined);
  assert.equal(parseMenuId('tunnel:../x:start'), undefined);
  assert.equal(parseMenuId('reboot'), undefined);
});

test('the tooltip stays under Windows’ 127 characters', () => {
  const many = Array.from({ length: 10 }, (_, i) => view(`tunnel-number-${i}`, 'online', { url: `https://t${i}.ngrok.app` }));
  const t = trayTooltip(many);
  assert.ok(t.length <= 127, String(t.length));
  assert.ok(t.endsWith('…'));
});

test('notices: online with URL, back online, dropped, failed, found open; nothing for no change', () => {
  const online = view('web', 'online', { url: URL_A });
  assert.deepEqual(noticesFor([view('web', 'starting')], [online]), [{ title: 'web is online', body: URL_A, url: URL_A }]);
  assert.deepEqual(noticesFor([view('web', 'reconnecting', { url: URL_A })], [online]), [{ title: 'web is back online', body: URL_A, url: URL_A }]);
  assert.deepEqual(noticesFor([online], [view('web', 'reconnecting', { url: URL_A })]).map((n) => n.title), ['web dropped']);
  const failed = noticesFor([view('web', 'starting')], [view('web', 'error', { error: { code: 'PREFLIGHT_FAILED', message: 'The FusionAuth check failed.', fix: 'Run "Check FusionAuth".' } })]);
  assert.deepEqual(failed, [{ title: 'web failed', body: 'The FusionAuth check failed. Run "Check FusionAuth".' }]);
  const open = noticesFor([online], [{ ...online, protection: 'open' }]);
  assert.equal(open.length, 1);
  assert.equal(open[0]!.title, 'web is OPEN');
  assert.match(open[0]!.body, /Anyone with the URL/);
  assert.deepEqual(noticesFor([online], [online]), []);
  assert.deepEqual(noticesFor([{ ...online, protection: 'open' }], [{ ...online, protection: 'open' }]), []);
  // A public tunnel is open by choice: no alarm.
  assert.deepEqual(noticesFor([{ ...online, mode: 'public' }], [{ ...online, mode: 'public', protection: 'open' }]), []);
});

test('coalesce: a burst runs once after the delay; flush runs now; cancel drops', async () => {
  let runs = 0;
  const c = coalesce(() => runs++, 30);
  c();
  c();
  c();
  assert.equal(runs, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 1);
  c();
  c.flush();
  assert.equal(runs, 2);
  c();
  c.cancel();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 2);
});

test('the tray coalesces over one frame: a burst is one rebuild, TRAY_COALESCE_MS after its first change', () => {
  assert.ok(TRAY_COALESCE_MS > 0 && TRAY_COALESCE_MS <= 50, `TRAY_COALESCE_MS is ${TRAY_COALESCE_MS}`);
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const at: number[] = [];
    let now = 0;
    const c = coalesce(() => at.push(now), TRAY_COALESCE_MS);
    const tick = (ms: number) => {
      now += ms;
      mock.timers.tick(ms);
    };
    // starting → online → protection checked, a few milliseconds apart: one rebuild.
    c();
    tick(2);
    c();
    tick(3);
    c();
    tick(TRAY_COALESCE_MS - 6);
    assert.deepEqual(at, [], 'not before the frame is over');
    tick(1);
    assert.deepEqual(at, [TRAY_COALESCE_MS]);
    // A change after the rebuild is its own burst.
    c();
    tick(TRAY_COALESCE_MS);
    assert.deepEqual(at, [TRAY_COALESCE_MS, 2 * TRAY_COALESCE_MS]);
  } finally {
    mock.timers.reset();
  }
});
