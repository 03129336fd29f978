// shell: the CLI's own words for errors: validation errors as `--flag "value": rule`, unknown flags
// with the closest valid one, and fixes that name flags and environment variables — the shared text
// (common/errors.ts, the preflight) is written for the settings window ("paste it in Settings").
import type { PortholeError } from '../../common/types.js';
import { fieldCliFix, fieldKey, fieldLabel } from '../../common/fields.js';

/** Fields whose value is a secret (or a whole file): never echoed back. */
const SECRET_FIELDS = new Set(['fusionauth.clientSecret', 'authtoken', 'ngrokAuthtoken', 'caPem']);

/** The value at a validation path (`fusionauth.allowEmails[1]`) of the input that was validated. */
export function valueAt(input: unknown, path: string): unknown {
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

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The valid flag closest to `name` (without dashes), if any is close enough to be a typo. */
export function closestFlag(name: string, flags: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const f of flags) {
    const d = f.startsWith(name) || name.startsWith(f) ? Math.abs(f.length - name.length) / 2 : distance(name, f);
    if (d < bestD) [best, bestD] = [f, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Porthole's message for what node's parseArgs refused: an unknown flag (with the closest valid
 * one), a flag without its value, or a value given to a switch. `command` for the examples.
 */
export function parseErrorMessage(err: unknown, argv: string[], options: Options, command: string): string {
  const code = (err as { code?: string }).code;
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short ? [o.short] : [])));
  const known = (a: string) => Object.hasOwn(options, a.replace(/^--?/, '').split('=')[0]!) || (/^-[^-]$/.test(a) && shorts.has(a[1]!));
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const i = argv.findIndex((a) => a !== '--' && a.startsWith('-') && a !== '-' && !known(a) && !/^-\d/.test(a));
    const raw = argv[i] ?? '';
    const name = raw.replace(/^--?/, '').split('=')[0]!;
    if (['port', 'target', 'local', 'addr', 'upstream'].includes(name) && command !== 'check') {
      const v = raw.includes('=') ? raw.split('=')[1] : argv[i + 1];
      return `${raw.split('=')[0]}: the ${name === 'port' ? 'port' : 'local app'} is a positional argument: porthole ${command} ${v && !v.startsWith('-') ? v : '3000'}`;
    }
    const near = closestFlag(name, Object.keys(options));
    return `${raw.split('=')[0]}: no such flag${near ? `; did you mean --${near}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(--?[\w-]+)/.exec((err as Error).message)?.[1] ?? '';
    const name = flag.replace(/^--?/, '');
    const o = options[name] ?? Object.values(options).find((x) => x.short === name);
    if (o?.type === 'string') return `${flag} needs a value (e.g. ${flag} ${EXAMPLE[name] ?? 'VALUE'})`;
    return `${flag} is a switch and takes no value`;
  }
  return (err as Error).message;
}

/** An example value per flag, for "needs a value". */
const EXAMPLE: Record<string, string> = {
  name: 'web',
  mode: 'oidc',
  domain: 'demo.ngrok.app',
  issuer: 'https://auth.example.com',
  'client-id': 'CLIENT_ID',
  'client-secret-file': 'PATH',
  'client-secret-env': 'NAME',
  'allow-email': 'alice@example.com',
  'allow-domain': 'example.com',
  scope: 'profile',
  'authtoken-env': 'NGROK_AUTHTOKEN',
  'server-addr': 'connect.example.com:443',
  'ca-file': 'PATH',
  for: '15m',
  timeout: '10',
};

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
