// test: the log file (main/glue/log-file.ts) through electron-log's real file transport under Node, with
// `electron` answered by the recording stand-in: every secret value Porthole holds — the ngrok authtoken,
// a client secret, the FusionAuth API key — is removed from the file in every encoding, labelled or not,
// whether it was stored, read back at launch, or only handed over in a window call.
import '../support/electron/register.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronStandIn as E, ipcMain } from '../support/electron/index.js';
import { CHANNELS, INVOKE_KEYS, type Handlers } from '../../common/contract.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, reportingSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import type { FileLog } from '../../main/glue/log-file.js';

/** Every encoding in which a secret has come back in someone's text, computed here, not by the scrubber. */
function encodings(secret: string): Record<string, string> {
  return {
    raw: secret,
    upper: secret.toUpperCase(),
    url: encodeURIComponent(secret),
    urlTwice: encodeURIComponent(encodeURIComponent(secret)),
    form: new URLSearchParams({ s: secret }).toString().slice(2),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
    hex: Buffer.from(secret).toString('hex'),
    json: JSON.stringify(secret).slice(1, -1),
    html: secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    basicAfterId: Buffer.from(`some-client-id:${secret}`).toString('base64').slice(20),
  };
}

// "?>~???" gives + and / in base64 (so - and _ in base64url); + / & " < ' change under every other encoding.
const AUTHTOKEN = '2abcDEF?>~???ghiJKL+/mno_0123';
const CLIENT_SECRET = 'Ab1/+c&d<"x\'?>~???fa-client';
const API_KEY = 'fa-api-key?>~???+/=Zq9&x';

let userData: string;
let fileLog: FileLog;
const file = () => join(userData, 'logs', 'porthole.log');
const text = () => readFileSync(file(), 'utf8');

const HOME = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

before(async () => {
  userData = mkdtempSync(join(tmpdir(), 'porthole-log-'));
  // Should the app's paths not reach electron-log, its fallback (~/.config) is inside the temp folder too.
  process.env.HOME = userData;
  process.env.XDG_CONFIG_HOME = join(userData, 'home-config');
  E.reset({ userData });
  // electron-log require()s `electron`, which register.ts sends to the stand-in's file: under tsx that
  // is its own (CommonJS) copy of the stand-in, told the same paths through the same file.
  (createRequire(import.meta.url)('../support/electron/index.ts') as { electronStandIn: typeof E }).electronStandIn.reset({ userData });
  const { createFileLog } = await import('../../main/glue/log-file.js');
  fileLog = createFileLog();
});
after(() => {
  for (const [k, v] of Object.entries(HOME)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  rmSync(userData, { recursive: true, force: true });
});

/** Each secret in each encoding, without a label, as foreign text would carry it. */
function logEveryForm(secret: string): string[] {
  const marks: string[] = [];
  for (const [kind, form] of Object.entries(encodings(secret))) {
    const mark = `line-${kind}-${marks.length}-${secret.slice(0, 3)}`;
    marks.push(mark);
    fileLog.log(`${mark}: the server answered [${form}] and nothing more`);
  }
  return marks;
}

function assertNoForm(secret: string, where: string): void {
  const now = text();
  for (const [kind, form] of Object.entries(encodings(secret))) {
    // no run of 8 characters of the encoded secret survives
    for (let i = 0; i + 8 <= form.length; i++) assert.ok(!now.includes(form.slice(i, i + 8)), `${where}: ${kind} form of a secret in the log:\n${now}`);
  }
}

test('the log file is where the tray says, for this user only, and holds the lines logged', () => {
  fileLog.log('porthole started');
  assert.equal(fileLog.folder, join(userData, 'logs'));
  assert.match(text(), /porthole started/);
  assert.equal(statSync(file()).mode & 0o777, 0o600);
});

test('known secret values are removed in every encoding, with no label to give them away', () => {
  for (const s of [AUTHTOKEN, CLIENT_SECRET, API_KEY]) fileLog.knowSecret(s);
  const marks = [AUTHTOKEN, CLIENT_SECRET, API_KEY].flatMap(logEveryForm);
  // objects and errors go through the same scrubber
  fileLog.log(JSON.stringify({ note: 'as data', token: AUTHTOKEN }));
  const now = text();
  for (const m of marks) assert.match(now, new RegExp(`${m}: the server answered \\[[^\\]]*\\[redacted\\][^\\]]*\\] and nothing more`), `${m} was logged, the secret replaced`);
  for (const s of [AUTHTOKEN, CLIENT_SECRET, API_KEY]) assertNoForm(s, 'known values');
});

test('the values are learnt where they pass: stored, read back at launch, or handed over in a window call', async () => {
  const cwd = mkdtempSync(join(userData, 'store-'));
  const key = Buffer.alloc(32, 4);
  const stored = 'stored-authtoken-?>~???-7f3a+/';
  const readBack = 'read-back-secret-?>~???-91c2+/';
  const handedOver = 'api-key-once-?>~???-55aa+/&';
  // a value written by an earlier run: this run only ever reads it
  await createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(key)).set(SECRET_KEYS.clientSecret('web'), readBack);

  const secrets = reportingSecretStore(createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(key)), fileLog.knowSecret);
  await secrets.set(SECRET_KEYS.ngrokAuthtoken, stored);
  assert.equal(await secrets.get(SECRET_KEYS.clientSecret('web')), readBack);

  // The window hands an API key over in a payload and it is never stored: the IPC glue tells the log.
  const { registerIpc } = await import('../../main/glue/ipc.js');
  const answered = Object.fromEntries(INVOKE_KEYS.map((k) => [k, async () => ({ ok: true, value: null })])) as unknown as Handlers;
  const unregister = registerIpc(answered, fileLog.knowSecret);
  try {
    await ipcMain.invoke(CHANNELS.planFusionAuthSetup, { url: 'https://auth.example.com', apiKey: handedOver, tunnel: 'web' }, 'file:///w/index.html');
  } finally {
    unregister();
  }

  for (const s of [stored, readBack, handedOver]) logEveryForm(s);
  for (const s of [stored, readBack, handedOver]) assertNoForm(s, 'learnt values');
});

test('a value never handed to the log is not known: only labelled secrets go (other text is kept)', () => {
  fileLog.log('an unrelated value abcdefgh-1234 and secret: hunter2-labelled');
  const now = text();
  assert.match(now, /an unrelated value abcdefgh-1234 and secret: \[redacted\]/);
});
