// shell: the one argument parser of every `porthole` command (node's util.parseArgs over the flag
// table in commands.ts), its one UsageError, "did you mean" for flags and commands, and the help
// screens. Loads only Node built-ins and commands.ts: `share`'s thin first process uses it.
import { parseArgs } from 'node:util';
import { COMMANDS, type CommandName, type CommandSpec, type FlagSpec } from './commands.js';

/** A bad argument: exit code 2; the message names the flag and how to fix it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Flags<K extends CommandName> = (typeof COMMANDS)[K]['flags'];
type Config<K extends CommandName> = { args: string[]; options: Flags<K>; strict: true; allowPositionals: true };
/** The typed result of parsing command K: `values` keyed by its flags. */
export type Parsed<K extends CommandName> = ReturnType<typeof parseArgs<Config<K>>>;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The word of `words` closest to `name`, if it is close enough to be a typo. */
export function closest(name: string, words: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const f of words) {
    const d = f.startsWith(name) || name.startsWith(f) ? Math.abs(f.length - name.length) / 2 : distance(name, f);
    if (d < bestD) [best, bestD] = [f, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Words that mean "the local app" but are the positional argument, not a flag. */
const TARGET_WORDS = ['port', 'target', 'local', 'addr', 'upstream'];

/** Porthole's message for what node's parseArgs refused: an unknown flag (with the closest valid one), a missing value, a value given to a switch. */
function parseErrorMessage(err: unknown, argv: string[], spec: CommandSpec): string {
  const code = (err as { code?: string }).code;
  const options: Record<string, FlagSpec> = spec.flags;
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short ? [o.short] : [])));
  const known = (a: string) => Object.hasOwn(options, a.replace(/^--?/, '').split('=')[0]!) || (/^-[^-]$/.test(a) && shorts.has(a[1]!));
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const i = argv.findIndex((a) => a !== '--' && a.startsWith('-') && a !== '-' && !known(a) && !/^-\d/.test(a));
    const raw = argv[i] ?? '';
    const name = raw.replace(/^--?/, '').split('=')[0]!;
    if (TARGET_WORDS.includes(name) && spec.positional) {
      const v = raw.includes('=') ? raw.split('=')[1] : argv[i + 1];
      return `${raw.split('=')[0]}: the ${name === 'port' ? 'port' : 'local app'} is a positional argument: porthole ${spec.name} ${v && !v.startsWith('-') ? v : '3000'}`;
    }
    const near = closest(name, Object.keys(options));
    return `${raw.split('=')[0]}: no such flag${near ? `; did you mean --${near}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(--?[\w-]+)/.exec((err as Error).message)?.[1] ?? '';
    const name = flag.replace(/^--?/, '');
    const o = options[name] ?? Object.values(options).find((x) => x.short === name);
    if (o?.type === 'string') return `${flag} needs a value (e.g. ${flag} ${o.example ?? o.value ?? 'VALUE'})`;
    return `${flag} is a switch and takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = argv.find((a) => !a.startsWith('-')) ?? '';
    return `${JSON.stringify(extra)}: porthole ${spec.name} takes no ${spec.positional ? 'further ' : ''}argument here; flags start with --`;
  }
  return (err as Error).message;
}

/** Flags that would put a secret in argv (shell history, `ps`), and where the secret goes instead. */
const SECRET_FLAGS: Record<string, string> = {
  'client-secret': '--client-secret-file PATH or --client-secret-env NAME',
  authtoken: '--authtoken-env NAME',
  'api-key': '--api-key-env NAME',
};

/** Refuses a secret given in argv before anything else is read; the value is never repeated. */
function refuseSecretInArgv(argv: string[]): void {
  for (const a of argv) {
    const flag = /^--([\w-]+)(=|$)/.exec(a)?.[1];
    const instead = flag !== undefined && Object.hasOwn(SECRET_FLAGS, flag) ? SECRET_FLAGS[flag] : undefined;
    if (instead) throw new UsageError(`--${flag} is not accepted (a secret in argv leaks into shell history and ps); use ${instead}`);
  }
}

/**
 * Parses `argv` for command `name` with its flag table; a refusal is a UsageError in Porthole's
 * words (never node's parser text). Positionals are checked by the command (a count, a target).
 */
export function parseCommand<K extends CommandName>(name: K, argv: string[]): Parsed<K> {
  const spec: CommandSpec = COMMANDS[name];
  refuseSecretInArgv(argv);
  try {
    const parsed = parseArgs({ args: argv, options: COMMANDS[name].flags, strict: true, allowPositionals: true } as Config<K>);
    if (!spec.positional && parsed.positionals.length && !(parsed.values as { help?: boolean }).help) {
      throw Object.assign(new Error('positional'), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
    }
    return parsed;
  } catch (err) {
    throw new UsageError(parseErrorMessage(err, argv, spec));
  }
}

/** True when argv asks for help (`--help`, `-h`) anywhere before a `--`. */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

const COLUMN = 26;

/** `  --issuer URL                FusionAuth tenant issuer…`: one line per flag, continuation lines aligned. */
function flagLine(left: string, help: string): string {
  const [first, ...rest] = help.split('\n');
  const pad = ' '.repeat(COLUMN + 4);
  const head = left.length > COLUMN ? `  ${left}\n${pad}${first}` : `  ${left.padEnd(COLUMN)}  ${first}`;
  return [head, ...rest.map((l) => `${pad}${l}`)].join('\n');
}

/** The help screen of a command, made from its table: usage, what it does, every flag explained. */
export function helpText(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const lines = [`Usage: porthole ${spec.name} ${spec.synopsis}`, '', spec.about, '', 'Flags:'];
  if (spec.positional) lines.push(flagLine(spec.positional.name, spec.positional.help));
  for (const [flag, f] of Object.entries(spec.flags)) {
    const left = `--${flag}${f.value ? ` ${f.value}` : ''}${f.short ? `, -${f.short}` : ''}`;
    lines.push(flagLine(left, f.help));
  }
  if (spec.notes) lines.push('', spec.notes);
  return `${lines.join('\n')}\n`;
}

/** `porthole --help`: every command with its summary. */
export function overviewText(): string {
  const rows = Object.values(COMMANDS).map((c: CommandSpec) => flagLine(`${c.name}${c.positional ? ` ${c.positional.name}` : ''}`, c.summary));
  return `Usage: porthole <command> [flags]

Commands:
${rows.join('\n')}

Run "porthole help <command>" (or "porthole <command> --help") for its flags;
"porthole --version" prints the version.
`;
}
