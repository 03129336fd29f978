// test helper (not a test): run by permissions.test.ts as an unprivileged user (root ignores file modes).
// Opens the settings folder given as argv[2] with the real store, starts the app's core on it with
// recording stand-ins for the Electron ports, tries one save, and prints what happened as one JSON line.
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore } from '../../main/settings/secrets.js';
import { startPorthole, type Notice } from '../../main/app.js';
import { OpError } from '../../main/core/operations.js';
import type { WindowIntent } from '../../common/contract.js';

const cwd = process.argv[2]!;
const out: Record<string, unknown> = {};
try {
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const notices: Notice[] = [];
  const shown: (WindowIntent | undefined)[] = [];
  const app = await startPorthole({
    store: settings,
    secrets: createSecretStore(secretsBackend, createAesGcmEncryptor(Buffer.alloc(32, 5))),
    tray: { render: () => undefined },
    window: { show: (i) => void shown.push(i), pushState: () => undefined },
    notifier: { notify: (n) => void notices.push(n) },
    clipboard: { writeText: () => undefined },
    openExternal: async () => undefined,
    // The OS says "start at login" while the file says no: the app tries to store that at launch.
    loginItem: { get: () => true, set: () => undefined },
    trustedSender: 'file:///w/index.html',
    env: {},
    home: cwd,
  });
  out.started = true;
  out.tunnels = settings.read().tunnels.map((t) => t.name);
  out.problems = settings.problems.map((p) => ({ kind: p.kind, issue: p.issue ?? null, file: p.file, reason: p.reason }));
  out.notices = notices;
  out.shown = shown;
  const saved = await app.handlers.saveTunnel('file:///w/index.html', { name: 'extra', target: '3000', mode: 'public', confirmPublic: true, startWithPorthole: false });
  out.save = saved.ok ? 'ok' : { code: saved.error.code, message: saved.error.message };
  await app.quit();
} catch (err) {
  out.started = false;
  out.error = err instanceof OpError ? err.error : err instanceof Error ? err.message : String(err);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
