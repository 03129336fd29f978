// shell: the CLI's own words for errors: validation errors as `--flag "value": rule`, and fixes
// that name flags and environment variables — the shared text (common/errors.ts, the preflight) is
// written for the settings window ("paste it in Settings"). Unknown flags: parse.ts.
import type { PortholeError } from '../../common/types.js';
import { fieldCliFix, fieldKey, fieldLabel } from '../../common/fields.js';

/** Fields whose value is a secret (or a whole file): never echoed back. */
const SECRET_FIELDS = new Set(['fusionauth.clientSecret', 'authtoken', 'ngrokAuthtoken', 'caPem']);

/** The value at a validation path (`fusionauth.allowEmails[1]`) of the input that was validated. */
function valueAt(input: unknown, path: string): unknown {
  let v: unknown = input;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[m[2] ?? m[1]!];
  }
  return v;
}

const ORDINAL = ['1st', '2nd', '3rd'];

/**
 * One line per error: the flag, the value it was given (unless a secret), the rule, and the CLI's
 * fix when the rule does not already say it. Schema paths never show.
 */
export function cliErrorLine(e: PortholeError, input: unknown): string {
  const path = e.field ?? '';
  const flag = fieldLabel(path, 'cli');
  // validate.ts words its messages "<path> <rule>" (the window strips the path too).
  const rule = path && e.message.startsWith(`${path} `) ? e.message.slice(path.length + 1) : e.message;
  const fix = fieldCliFix(path);
  const value = valueAt(input, path);
  const key = fieldKey(path);
  const shown = typeof value === 'string' && value !== '' && !(key && SECRET_FIELDS.has(key));
  // A repeatable flag given several times: say which one.
  const index = /\[(\d+)\]$/.exec(path)?.[1];
  const list = key ? valueAt(input, key) : undefined;
  const which = index !== undefined && Array.isArray(list) && list.length > 1 ? ` (the ${ORDINAL[Number(index)] ?? `${Number(index) + 1}th`} ${flag})` : '';
  const head = rule === 'is required' ? `${flag} is required` : `${flag}${shown ? ` ${JSON.stringify(value)}` : ''}${which}: ${rule}`;
  return fix ? `${head}\n  fix: ${fix}` : head;
}

/** Replacements that turn the window's words in shared fixes into the CLI's. */
const TO_CLI: [RegExp, string][] = [
  [/ and paste it in Settings(?: \(or set NGROK_AUTHTOKEN\))?/, ' and export it as NGROK_AUTHTOKEN (or name another variable with --authtoken-env)'],
  [/ \(--ca-file \/ Settings\)/, ' (--ca-file PATH)'],
  [/set its CA certificate in Settings/, 'give its CA certificate with --ca-file PATH'],
  [/Run "Check FusionAuth" and follow the fix shown for the failed check\./, 'Run "porthole check" with the same FusionAuth flags and follow the fix shown for the failed check.'],
  [/,? and (?:enter|paste) (?:that|the) same URL here\./, ', and give that same URL to --issuer.'],
  [/or enter exactly (\S+) here\./, 'or give --issuer $1.'],
  [/Enter exactly (\S+) here,/, 'Give --issuer $1,'],
  [/Enter (\S+) here,/, 'Give --issuer $1,'],
  [/enter that URL here\./, 'give that URL to --issuer.'],
  [/, and paste them here\./, ', and pass them with --client-id and --client-secret-file PATH (or --client-secret-env NAME).'],
  [/Fill in the FusionAuth issuer URL, client id and client secret of the tunnel\./, 'Give --issuer, --client-id and --client-secret-file PATH (or --client-secret-env NAME).'],
  [/import again/, 'run porthole again'],
];

/** A fix from the shared text (written for the window) in the CLI's words. */
export function cliFix(fix: string): string {
  let out = fix;
  for (const [re, to] of TO_CLI) out = out.replace(re, to);
  return out;
}
