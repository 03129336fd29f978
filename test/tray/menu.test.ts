// test: the tray's menu, icon and tooltip as data, for each state a tunnel can be in; the click ids
// round-trip; notices for each transition; the coalescer collapses bursts.

import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstOnline, parseMenuId, trayIcon, trayMenu, trayTooltip, tunnelItemId, type MenuItemSpec } from '../../main/tray/menu.js';
import { coalesce, TRAY_COALESCE_MS } from '../../main/tray/refresh.js';
import { noticesFor } from '../../main/tray/notices.js';
import type { TunnelView } from '../../common/types.js';
import type { TunnelEntry } from '../../common/contract.js';
import type { VisitorGlance } from '../../common/visitors.js';
import { forwardInternalSnippet, isInternalUrl } from '../../common/view-rules.js';

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

test('reconnecting with a reason: the tray says why it is not back yet', () => {
  const held = { code: 'NGROK_ENDPOINT_HELD' as const, ngrokCode: 'ERR_NGROK_334', message: 'ngrok still holds demo.ngrok.app for the previous connection; waiting since 10:42' };
  const entry = tunnelEntry(trayMenu([view('web', 'reconnecting', { url: URL_A, error: held })], { startAtLogin: false }), 'web')!;
  const lines = entry.submenu!.filter((i) => i.enabled === false).map((i) => i.label);
  assert.ok(lines.includes('ngrok still holds demo.ngrok.app for the previous connection'), lines.join(' | '));
  assert.ok(lines.includes('waiting since 10:42'), lines.join(' | '));
  assert.equal(entry.label, 'web — Reconnecting…, FusionAuth sign-in');
});

test('a pooled tunnel says so, with what it means: other agents serve some visitors, the log here is this machine’s only', () => {
  const labels = (v: TunnelView) => tunnelEntry(trayMenu([v], { startAtLogin: false }), 'web')!.submenu!.map((i) => i.label);
  assert.deepEqual(labels(view('web', 'online', { url: URL_A, pooled: true })).filter((l) => /pool|machine/i.test(l ?? '')), ['Pooled: other agents may serve some visitors', 'Visitors and requests here are this machine’s only']);
  assert.ok(!labels(view('web', 'online', { url: URL_A })).some((l) => /pool/i.test(l ?? '')));
});

test('online and protected: Copy URL of it on top, every action enabled, online icon, URL in the tooltip', () => {
  const v = view('web', 'online', { url: URL_A, protection: 'protected', protectionReason: 'redirects to FusionAuth' });
  // 'zeta' before 'web': the engine's order differs from the sorted one, so a sort would fail this.
  const menu = trayMenu([view('zeta', 'stopped'), v], { startAtLogin: false });
  assert.deepEqual(menu[0], { id: 'copy-first-url', label: 'Copy URL of web', enabled: true });
  const entry = tunnelEntry(menu, 'web')!;
  assert.equal(entry.label, 'web — Online, protected');
  assert.deepEqual(entry.submenu?.[0], { label: URL_A, enabled: false });
  assert.deepEqual(ids(entry.submenu), ['tunnel:web:copy-url', 'tunnel:web:open', 'tunnel:web:stop', 'tunnel:web:verify']);
  assert.equal(trayIcon([v]), 'online');
  assert.equal(trayTooltip([v]), `Porthole\nweb: Online ${URL_A}`);
  // Tunnels are listed in the engine's order.
  assert.deepEqual(menu.filter((m) => m.type === 'submenu').map((m) => m.label?.split(' ')[0]), ['zeta', 'web']);
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

test('internal tunnel: no Copy URL or Open for https://name.internal; what it is for, and the forward-internal snippet to copy', () => {
  const v = view('inner', 'online', { mode: 'internal', url: 'https://inner.internal', protection: 'unknown' });
  const menu = trayMenu([v], { startAtLogin: false });
  const entry = tunnelEntry(menu, 'inner')!;
  assert.deepEqual(ids(entry.submenu), ['tunnel:inner:copy-snippet', 'tunnel:inner:stop', 'tunnel:inner:verify']);
  assert.ok(!entry.submenu!.some((i) => /Open in browser|Copy URL/.test(i.label ?? '')), JSON.stringify(entry.submenu));
  assert.deepEqual(entry.submenu!.slice(0, 2), [
    { label: 'https://inner.internal (internal)', enabled: false },
    { label: 'For a Cloud Endpoint’s forward-internal, not a browser', enabled: false },
  ]);
  assert.equal(entry.submenu!.find((i) => i.id === 'tunnel:inner:copy-snippet')?.label, 'Copy forward-internal snippet');
  // Nothing to share on top either: no browser reaches it (and it is online, so not "no tunnel online").
  assert.deepEqual(menu[0], { id: 'copy-first-url', label: 'Copy URL (no public URL online)', enabled: false });
  // No "Share for" for a URL no link can share; its protection (the Cloud Endpoint's) can be verified.
  assert.ok(!entry.submenu!.some((i) => /Share/.test(i.label ?? '')), JSON.stringify(entry.submenu));
  assert.equal(firstOnline([v]), undefined);
  // Stopped: the snippet waits for the URL.
  const stopped = tunnelEntry(trayMenu([view('inner', 'stopped', { mode: 'internal' })], { startAtLogin: false }), 'inner')!;
  assert.deepEqual(ids(stopped.submenu), ['tunnel:inner:copy-snippet (disabled)', 'tunnel:inner:start', 'tunnel:inner:verify (disabled)']);
  assert.deepEqual(parseMenuId('tunnel:inner:copy-snippet'), { kind: 'tunnel', name: 'inner', action: 'copy-snippet' });
  assert.equal(forwardInternalSnippet('https://inner.internal'), 'on_http_request:\n  - actions:\n      - type: forward-internal\n        config:\n          url: https://inner.internal\n');
  assert.equal(isInternalUrl('https://inner.internal'), true);
  assert.equal(isInternalUrl('https://inner.internal.ngrok.app'), false);
});

test('error: the submenu leads to the window at that tunnel with "Show details and fix…"', () => {
  const long = 'ngrok refused the endpoint because the reserved domain belongs to another account in a different region, see the dashboard.';
  const v = view('web', 'error', { error: { code: 'NGROK_ENDPOINT', message: long } as TunnelView['error'] });
  const entry = tunnelEntry(trayMenu([v], { startAtLogin: false }), 'web')!;
  const details = entry.submenu!.find((i) => i.id === 'tunnel:web:details');
  assert.deepEqual(details, { id: 'tunnel:web:details', label: 'Show details and fix…', enabled: true });
  // Right under the cut message it stands for.
  const at = entry.submenu!.indexOf(details!);
  assert.ok(entry.submenu![at - 1]!.label!.endsWith('…') && entry.submenu![at - 1]!.label!.length <= 80);
  assert.deepEqual(parseMenuId('tunnel:web:details'), { kind: 'tunnel', name: 'web', action: 'details' });
  // Only an error gets it.
  const ok = tunnelEntry(trayMenu([view('web', 'online', { url: URL_A, protection: 'protected' })], { startAtLogin: false }), 'web')!;
  assert.ok(!ids(ok.submenu).includes('tunnel:web:details'));
});

test('found open: a top-level warning with Stop above everything else; Copy URL on top skips it', () => {
  const leaky = view('leaky', 'online', { url: 'https://leaky.ngrok.app', protection: 'open' });
  const shop = view('shop', 'online', { url: URL_A, protection: 'protected' });
  const menu = trayMenu([leaky, shop], { startAtLogin: false });
  assert.deepEqual(menu.slice(0, 3), [
    { id: 'tunnel:leaky:stop', label: '⚠ leaky is OPEN to anyone — Stop it', enabled: true },
    { type: 'separator' },
    { id: 'copy-first-url', label: 'Copy URL of shop', enabled: true },
  ]);
  assert.deepEqual(parseMenuId(menu[0]!.id!), { kind: 'tunnel', name: 'leaky', action: 'stop' });
  assert.equal(firstOnline([leaky, shop])?.name, 'shop');
  // Only the open one: nothing else to copy on top, and the top says why (not "no tunnel online": one is).
  assert.deepEqual(trayMenu([leaky], { startAtLogin: false })[2], { id: 'copy-first-url', label: 'Copy URL (not while leaky is open to anyone)', enabled: false });
  assert.equal(trayMenu([leaky, { ...leaky, name: 'leaky2' }], { startAtLogin: false })[3]!.label, 'Copy URL (not while they are open to anyone)');
  assert.equal(trayMenu([{ ...leaky, state: 'stopped' }], { startAtLogin: false }).find((m) => m.id === 'copy-first-url')!.label, 'Copy URL (no tunnel online)');
  // A public tunnel is open on purpose, and a stopped one is not reachable: no alarm.
  const pub = view('demo', 'online', { url: URL_A, protection: 'open', mode: 'public' });
  assert.equal(trayMenu([pub], { startAtLogin: false })[0]!.id, 'copy-first-url');
  assert.equal(trayMenu([{ ...leaky, state: 'stopped' }], { startAtLogin: false })[0]!.id, 'copy-first-url');
});

test('the tray clicks reach the app: details opens the window at the tunnel, copy-snippet copies the rule', async () => {
  const { startPorthole } = await import('../../main/app.js');
  const { openSettingsStore } = await import('../../main/settings/settings-store.js');
  const { createAesGcmEncryptor, createSecretStore } = await import('../../main/settings/secrets.js');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const cwd = mkdtempSync(join(tmpdir(), 'porthole-tray-'));
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const shown: unknown[] = [];
  const clipboard: string[] = [];
  const app = await startPorthole({
    store: settings,
    secrets: createSecretStore(secretsBackend, createAesGcmEncryptor(undefined, 'gnome_libsecret')),
    tray: { render: () => {} },
    window: { show: (i) => void shown.push(i), pushState: () => {} },
    notifier: { notify: () => {} },
    clipboard: { writeText: (t) => void clipboard.push(t) },
    openExternal: async () => {},
    loginItem: { get: () => false, set: () => {} },
    trustedSender: 'http://x/',
    env: {},
    home: cwd,
  });
  try {
    shown.length = 0;
    app.onMenuItem('tunnel:web:details');
    assert.deepEqual(shown, [{ kind: 'tunnel', tunnel: 'web' }]);
    // No such running tunnel: nothing is copied (never a stale or made-up URL).
    app.onMenuItem('tunnel:web:copy-snippet');
    assert.deepEqual(clipboard, []);
  } finally {
    await app.quit();
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a tunnel shows who looked and the time left of its share; share-for items map back to minutes', async () => {
  const { trayMenu, parseMenuId, SHARE_ACTION_MINUTES } = await import('../../main/tray/menu.js');
  const now = Date.parse('2025-01-01T12:00:00Z');
  const view = { name: 'web', state: 'online' as const, mode: 'oidc' as const, target: '3000', url: 'https://web.example', protection: 'protected' as const, since: now };
  const menu = trayMenu([view], { startAtLogin: false, now, logFolder: true, details: { web: { visitorsLine: '3 people viewed · last: alice@example.com, 2 min ago', deadline: now + 14 * 60_000 } } });
  const web = menu.find((m) => m.label?.startsWith('web — '))!;
  assert.equal(web.label, 'web — Online, protected · 14 min left');
  assert.ok(web.submenu!.some((i) => i.label === '3 people viewed · last: alice@example.com, 2 min ago' && i.enabled === false));
  const share = web.submenu!.find((i) => i.label?.startsWith('Share for…'))!;
  assert.deepEqual(share.submenu!.map((i) => i.label), ['Share for 15 min', 'Share for 1 h', 'Share for 4 h', 'Share until I stop']);
  const a = parseMenuId(share.submenu![1]!.id!);
  assert.ok(a?.kind === 'tunnel' && SHARE_ACTION_MINUTES[a.action as keyof typeof SHARE_ACTION_MINUTES] === 60);
  assert.ok(menu.some((m) => m.id === 'open-log-folder'));
  assert.deepEqual(parseMenuId('open-log-folder'), { kind: 'open-log-folder' });
  // The share in force is ticked: none of the timed ones without knowing which, the one chosen when known.
  assert.deepEqual(share.submenu!.filter((i) => i.checked).map((i) => i.id), []);
  const chosen = trayMenu([view], { startAtLogin: false, now, details: { web: { deadline: now + 59 * 60_000, shareMinutes: 60 } } });
  const chosenShare = chosen.find((m) => m.label?.startsWith('web — '))!.submenu!.find((i) => i.label?.startsWith('Share for…'))!;
  assert.deepEqual(chosenShare.submenu!.filter((i) => i.checked).map((i) => i.id), ['tunnel:web:share-60']);
  const untilStopped = trayMenu([view], { startAtLogin: false }).find((m) => m.label?.startsWith('web — '))!.submenu!.find((i) => i.label === 'Share for…')!;
  assert.deepEqual(untilStopped.submenu!.filter((i) => i.checked).map((i) => i.id), ['tunnel:web:share-until-stopped']);
  // A public tunnel has no sign-in to verify: not offered.
  const pub = trayMenu([{ ...view, mode: 'public' as const, protection: 'open' as const }], { startAtLogin: false }).find((m) => m.label?.startsWith('web — '))!;
  assert.ok(!pub.submenu!.some((i) => i.id === 'tunnel:web:verify'), JSON.stringify(pub.submenu));
  assert.ok(pub.submenu!.some((i) => i.label === 'Share for…'));
  // Without a deadline nothing counts down, and no log folder item unless there is one.
  const plain = trayMenu([view], { startAtLogin: false });
  assert.equal(plain.find((m) => m.label?.startsWith('web — '))!.label, 'web — Online, protected');
  assert.ok(!plain.some((m) => m.id === 'open-log-folder'));
});

test('the tray model makes the visitors line from who looked, ages it with the clock, and ticks the share in force', async () => {
  const { trayModel } = await import('../../main/tray/model.js');
  const now = Date.parse('2025-01-01T12:00:00Z');
  const web = { name: 'web', state: 'online' as const, mode: 'oidc' as const, target: '3000', url: 'https://web.example', protection: 'protected' as const, since: now };
  const entry = (name: string, extra: Partial<TunnelEntry> = {}): TunnelEntry => ({ name, target: '3000', mode: 'oidc', startWithPorthole: false, record: true, hostHeader: 'as-sent', view: { ...web, name }, ...extra });
  const alice = { user: 'alice@example.com', firstSeen: new Date(now - 10 * 60_000).toISOString(), lastSeen: new Date(now - 2 * 60_000).toISOString(), requests: 4 };
  const glances: Record<string, VisitorGlance> = { web: { count: 3, anonymous: 1, latest: alice }, api: { count: 0, anonymous: 12, latest: undefined } };
  const asked: string[] = [];
  const model = (at: number) => trayModel({
    entries: [entry('web', { deadline: at + 14 * 60_000, shareMinutes: 15 }), entry('api'), entry('docs')],
    visitors: (n) => (asked.push(n), glances[n] ?? null),
    reenter: [], startAtLogin: false, logFolder: false, now: at,
  });
  const sub = (m: ReturnType<typeof model>, name: string) => tunnelEntry(m.menu, name)!.submenu!;
  const m = model(now);
  assert.ok(sub(m, 'web').some((i) => i.label === '3 people viewed · last: alice@example.com, 2 min ago' && i.enabled === false), JSON.stringify(sub(m, 'web')));
  assert.ok(sub(m, 'api').some((i) => i.label === '12 requests, nobody signed in'));
  assert.ok(!sub(m, 'docs').some((i) => /viewed|nobody signed in/.test(i.label ?? '')), 'nobody looked yet: no line');
  assert.deepEqual(asked, ['web', 'api', 'docs'], 'one look per tunnel per model');
  const share = sub(m, 'web').find((i) => i.label?.startsWith('Share for…'))!;
  assert.deepEqual(share.submenu!.filter((i) => i.checked).map((i) => i.id), ['tunnel:web:share-15']);
  // An hour later the same glance reads "1 h ago": the line is made when the tray is drawn.
  assert.ok(sub(model(now + 60 * 60_000), 'web').some((i) => i.label === '3 people viewed · last: alice@example.com, 1 h ago'));
});
