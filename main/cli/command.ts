// shell: the one wrapper every `porthole` command runs in: `--help` prints the command's help, the
// one parser reads argv, a UsageError exits 2 and an unexpected exception exits 1, each said once on
// stderr — and with --json also as the command's one JSON object on stdout, so a script never
// parses prose. Loads only Node built-ins, its sibling thin modules and common/scrub.ts (no imports).
import { asData } from '../../common/scrub.js';
import type { CommandName } from './commands.js';
import { jsonText, type SetupJson, type ShareJsonLine, type UsageJson } from './json-output.js';
import { helpText, parseCommand, UsageError, wantsHelp, type Parsed } from './parse.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** What went wrong outside the command's own output: a refused argument or an unexpected exception. */
interface CommandFailure {
  code: UsageJson['code'];
  message: string;
  fix?: string;
}

interface CommandDef<K extends CommandName, IO extends CliIo> {
  name: K;
  /** Runs the command with its parsed arguments; resolves with the exit code. May throw UsageError. */
  run(parsed: Parsed<K>, io: IO): Promise<number>;
  /** The command's --json object for a failure; default `{ok:false, code, message, fix}`. */
  failureJson?: (f: CommandFailure) => UsageJson | ShareJsonLine | SetupJson;
}

/** `--flag "x": rule\n  fix: …` → the message and the fix apart. */
function split(text: string): { message: string; fix?: string } {
  const at = text.indexOf('\n  fix: ');
  return at < 0 ? { message: text } : { message: text.slice(0, at), fix: text.slice(at + 8) };
}

/** Runs `def` on argv in the one wrapper; resolves with the exit code (0 help, 2 usage, 1 unexpected). */
export async function runCommand<K extends CommandName, IO extends CliIo>(def: CommandDef<K, IO>, argv: string[], io: IO): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(helpText(def.name));
    return 0;
  }
  // Known before parsing: a refused argument of a --json run is still answered in JSON.
  const json = argv.includes('--json');
  try {
    return await def.run(parseCommand(def.name, argv), io);
  } catch (err) {
    const usage = err instanceof UsageError;
    const text = usage ? err.message : `unexpected error: ${asData(err instanceof Error ? err.message : String(err), 600)}`;
    io.stderr(`porthole ${def.name}: ${text}\n${usage ? `\nRun "porthole ${def.name} --help" for the flags.\n` : ''}`);
    if (json) {
      const failure: CommandFailure = { code: usage ? 'INVALID_INPUT' : 'INTERNAL', ...split(text) };
      io.stdout(`${jsonText(def.failureJson?.(failure) ?? { ok: false, ...failure })}\n`);
    }
    return usage ? 2 : 1;
  }
}
