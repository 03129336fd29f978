// shell: the IPC adapter. One handler per invoke channel of common/contract.ts: check the sender,
// parse the payload with the channel's zod schema (typed against the contract), call the operation
// (main/core/), answer a value — never a throw, never a secret.

import { z } from 'zod';
import type { PortholeError } from '../../common/types.js';
import { INVOKE_KEYS, LIMITS, type Handlers, type InvokeKey, type IpcResult, type Payloads, type Results } from '../../common/contract.js';
import { invalidInput, portholeError, scrub } from '../../common/errors.js';
import { fieldFix } from '../../common/fields.js';
import { authModeSchema, fieldOf, nameSchema } from '../tunnel/validate.js';
import type { LogPort } from '../ports.js';
import { OpError, type Operations } from '../core/operations.js';

/** Which IPC senders are the settings window: its URL (compared without query and hash), or a predicate. */
type TrustedSender = string | ((senderUrl: string) => boolean);

// ---- payload schemas: the shape of each channel's payload; the field rules are the engine's ----

/** Text of at most `max` characters; the error names the limit (the field is prefixed by payloadErrors). */
const text = (max: number) => z.string().max(max, { error: `is longer than ${max} characters` });
const strings = z
  .array(text(LIMITS.text))
  .max(LIMITS.listEntries, { error: `has more than ${LIMITS.listEntries} entries` })
  .default([]);
/** A tunnel name, its length checked before the name rules run on it. */
const boundedName = z.string({ error: 'is required' }).max(LIMITS.text, { error: `is longer than ${LIMITS.text} characters` }).pipe(nameSchema);
const fusionAuthDraftPayload = z.object({
  issuer: text(LIMITS.url).default(''),
  clientId: text(LIMITS.text).default(''),
  clientSecret: text(LIMITS.secret).optional(),
  allowEmails: strings,
  allowDomains: strings,
  scopes: strings,
});
const tunnelRef = z.object({ name: boundedName });
const fusionAuthSetup = {
  url: text(LIMITS.url),
  apiKey: text(LIMITS.secret).optional(),
  tenantId: text(LIMITS.text).optional(),
  appName: text(LIMITS.text).optional(),
  fixIssuer: z.boolean().optional(),
  requireRegistration: z.boolean().optional(),
  register: z.array(text(LIMITS.text)).max(LIMITS.listEntries, { error: `has more than ${LIMITS.listEntries} entries` }).optional(),
  tunnel: boundedName,
};
const noPayload = z.union([z.undefined(), z.null(), z.object({}).strict()]).transform((): undefined => undefined);

/** A schema whose output is the channel's payload type: the contract and the check cannot drift. */
type PayloadSchemas = { [K in InvokeKey]: z.ZodType<Payloads[K], unknown> };

const PAYLOADS: PayloadSchemas = {
  getState: noPayload,
  saveTunnel: z.object({
    previousName: boundedName.optional(),
    name: z.string({ error: 'is required' }).max(LIMITS.text, { error: `is longer than ${LIMITS.text} characters` }),
    target: z.union([text(LIMITS.text), z.number()], { error: 'is required' }).transform(String),
    mode: authModeSchema,
    domain: text(LIMITS.text).optional(),
    startWithPorthole: z.boolean().default(false),
    fusionauth: fusionAuthDraftPayload.optional(),
    record: z.boolean().optional(),
    hostHeader: z.enum(['as-sent', 'rewrite'], { error: 'must be as-sent or rewrite' }).optional(),
    pool: z.boolean().optional(),
    confirmPublic: z.boolean().optional(),
    allowInsecureStorage: z.boolean().optional(),
  }),
  removeTunnel: tunnelRef,
  startTunnel: tunnelRef,
  stopTunnel: tunnelRef,
  verifyTunnel: tunnelRef,
  tunnelExtras: tunnelRef,
  copyTunnelText: z.object({ name: boundedName, kind: z.enum(['url', 'ngrok-command', 'traffic-policy'], { error: 'must be url, ngrok-command or traffic-policy' }) }),
  runPreflight: z
    .object({ tunnel: boundedName.optional(), fusionauth: fusionAuthDraftPayload.optional() })
    .refine((r) => r.tunnel !== undefined || r.fusionauth !== undefined, { error: 'give a tunnel or FusionAuth settings', path: ['fusionauth'] }),
  getSettings: noPayload,
  saveSettings: z.object({
    startAtLogin: z.boolean().optional(),
    notifyNewVisitors: z.boolean().optional(),
    agentApi: z.boolean().optional(),
    serverAddr: text(LIMITS.text).nullable().optional(),
    caPem: text(LIMITS.pem).nullable().optional(),
  }),
  saveCredentials: z.object({ ngrokAuthtoken: text(LIMITS.secret).optional(), allowInsecureStorage: z.boolean().optional() }),
  importNgrokAuthtoken: z.object({ allowInsecureStorage: z.boolean().optional() }).default({}),
  listListeningPorts: noPayload,
  probePort: z.object({ port: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be 1–65535' }).max(65535, { error: 'must be 1–65535' }) }),
  copyText: z.object({ text: text(LIMITS.clipboard) }),
  openExternal: z.object({ url: text(LIMITS.url) }),
  planFusionAuthSetup: z.object(fusionAuthSetup),
  applyFusionAuthSetup: z.object({
    ...fusionAuthSetup,
    target: text(LIMITS.text).optional(),
    rememberApiKey: z.boolean().optional(),
    allowInsecureStorage: z.boolean().optional(),
    // Plan lines quote names, URLs and emails: room for a few of each, and one line per user registered.
    approved: z.array(text(LIMITS.url * 4)).max(LIMITS.listEntries * 2, { error: `has more than ${LIMITS.listEntries * 2} entries` }).optional(),
  }),
  listVisits: tunnelRef,
  inspectRequest: z.object({ name: boundedName, id: z.string().regex(/^req_[a-z0-9]{1,40}$/, { error: 'is not a request id' }), reveal: z.boolean().optional() }),
  replayRequest: z.object({ name: boundedName, id: z.string().regex(/^req_[a-z0-9]{1,40}$/, { error: 'is not a request id' }) }),
  copyRequestAsCurl: z.object({ name: boundedName, id: z.string().regex(/^req_[a-z0-9]{1,40}$/, { error: 'is not a request id' }), reveal: z.boolean().optional() }),
  shareFor: z.object({
    name: boundedName,
    minutes: z.union([z.literal(15), z.literal(60), z.literal(240), z.null()], { error: 'must be 15, 60, 240 or null (until stopped)' }),
  }),
};

/** What each channel does, on its parsed payload. */
function routes(ops: Operations): { [K in InvokeKey]: (p: Payloads[K]) => Promise<Results[K]> } {
  return {
    getState: async () => ops.snapshot(),
    saveTunnel: (p) => ops.saveTunnel(p),
    removeTunnel: (p) => ops.removeTunnel(p.name),
    startTunnel: (p) => ops.startTunnel(p.name),
    stopTunnel: (p) => ops.stopTunnel(p.name),
    verifyTunnel: (p) => ops.verifyTunnel(p.name),
    tunnelExtras: (p) => ops.tunnelExtras(p.name),
    copyTunnelText: (p) => ops.copyTunnelText(p.name, p.kind),
    runPreflight: (p) => ops.runPreflight(p),
    getSettings: async () => ops.settingsView(),
    saveSettings: (p) => ops.saveSettings(p),
    saveCredentials: (p) => ops.saveCredentials(p),
    importNgrokAuthtoken: (p) => ops.importAuthtoken(!!p.allowInsecureStorage),
    listListeningPorts: () => ops.listPorts(),
    probePort: (p) => ops.probePort(p.port),
    copyText: (p) => ops.copyText(p.text),
    openExternal: (p) => ops.openUrl(p.url),
    planFusionAuthSetup: (p) => ops.planFusionAuthSetup(p),
    applyFusionAuthSetup: (p) => ops.applyFusionAuthSetup(p),
    listVisits: async (p) => ops.listVisits(p.name),
    inspectRequest: async (p) => ops.inspectRequest(p.name, p.id, p.reveal ?? false),
    replayRequest: (p) => ops.replayRequest(p.name, p.id),
    copyRequestAsCurl: (p) => ops.copyRequestAsCurl(p.name, p.id, p.reveal ?? false),
    shareFor: (p) => ops.shareFor(p.name, p.minutes),
  };
}

/** The sender check: the settings window's own document, nothing else (no other frame, no navigation). */
function senderCheck(trusted: TrustedSender): (url: string) => boolean {
  if (typeof trusted === 'function') return trusted;
  const norm = (u: string): string | undefined => {
    try {
      const p = new URL(u);
      return `${p.protocol}//${p.host}${p.pathname}`;
    } catch {
      return undefined;
    }
  };
  const want = norm(trusted);
  return (url) => !!want && norm(url) === want;
}

/** Every text value submitted in a payload that is a secret, so no answer can echo one back (and the log file can remove it). */
export function payloadSecrets(payload: unknown): string[] {
  const p = payload as { fusionauth?: { clientSecret?: unknown }; ngrokAuthtoken?: unknown; apiKey?: unknown } | null | undefined;
  return [p?.fusionauth?.clientSecret, p?.ngrokAuthtoken, p?.apiKey].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/** Deep-replace any occurrence of the given secrets in a JSON-able value (as JSON escapes them). */
function redact<T>(value: T, secretValues: string[]): T {
  if (!secretValues.length || value === undefined) return value;
  const json = JSON.stringify(value);
  const forms = secretValues.map((s) => JSON.stringify(s).slice(1, -1));
  return forms.some((f) => json.includes(f)) ? (JSON.parse(scrub(json, forms)) as T) : value;
}

function payloadErrors(issues: readonly z.core.$ZodIssue[]): PortholeError[] {
  return issues.map((i) => {
    const field = fieldOf(i.path) || 'payload';
    return invalidInput(field, `${field} ${i.message}`, fieldFix(field));
  });
}

/** One handler: sender check, payload parse, the route, a value answer. */
function handler<K extends InvokeKey>(key: K, run: (p: Payloads[K]) => Promise<Results[K]>, trusted: (url: string) => boolean, log: LogPort) {
  return async (senderUrl: string, payload: unknown): Promise<IpcResult<Results[K]>> => {
    const secretValues = payloadSecrets(payload);
    try {
      if (typeof senderUrl !== 'string' || !trusted(senderUrl)) {
        log(`ipc ${key}: refused a sender that is not the settings window`);
        return { ok: false, error: portholeError('FORBIDDEN_SENDER') };
      }
      const parsed = PAYLOADS[key].safeParse(payload);
      if (!parsed.success) {
        const errors = payloadErrors(parsed.error.issues);
        return { ok: false, error: errors[0]!, errors };
      }
      return { ok: true, value: redact(await run(parsed.data), secretValues) };
    } catch (err) {
      if (err instanceof OpError) return redact({ ok: false, error: err.error, errors: err.errors }, secretValues);
      const text = scrub(err instanceof Error ? err.message : String(err), secretValues);
      log(`ipc ${key}: ${text}`);
      return { ok: false, error: { code: 'INTERNAL', message: `Porthole could not do that: ${text}` } };
    }
  };
}

/** Build one handler per invoke channel over `ops` (the same operations the tray uses). */
export function createHandlers(ops: Operations, opts: { trustedSender: TrustedSender; log?: LogPort }): Handlers {
  const trusted = senderCheck(opts.trustedSender);
  const log = opts.log ?? (() => {});
  const r = routes(ops);
  const one = <K extends InvokeKey>(key: K): Handlers[K] => handler(key, r[key], trusted, log) as Handlers[K];
  return Object.fromEntries(INVOKE_KEYS.map((k) => [k, one(k)])) as Handlers;
}
