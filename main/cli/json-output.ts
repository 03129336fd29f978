// pure: every `--json` output of the `porthole` commands, typed, and the one way it is written: a
// JSON text whose strings hold no raw U+2028/U+2029 or bidi controls (valid JSON, but a terminal or
// a JavaScript consumer that splits lines on them can be fooled by remote text carrying them).
// Imports nothing: `share`'s thin first process writes a usage error's line with it.

/** Line and paragraph separators, and the bidi embedding, override, isolate and mark controls. */
const UNSAFE_IN_JSON = /[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** A JSON text (already serialised) with the characters above escaped as \uXXXX; the value read back is the same. */
export function escapeJsonText(json: string): string {
  // JSON.stringify leaves them raw, and only inside strings: escaping them there keeps the value.
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The one serialiser of a `--json` object: one line, unsafe characters escaped. */
export function jsonText(value: ShareJsonLine | CheckJson | SetupJson | UsageJson): string {
  return escapeJsonText(JSON.stringify(value));
}

/** A refusal of the arguments (exit 2), for commands whose --json output is one object. */
export interface UsageJson {
  ok: false;
  code: 'INVALID_INPUT' | 'INTERNAL';
  message: string;
  fix?: string;
}

/** `share --json`: one line per state change ({"tunnel","state",…}); `tunnel` absent before a tunnel exists. */
export interface ShareJsonLine {
  tunnel?: string;
  state: 'starting' | 'online' | 'reconnecting' | 'error' | 'stopped';
  url?: string;
  code?: string;
  message?: string;
  protection?: 'protected' | 'open' | 'unknown';
  /** On the first online line while inspecting: ngrok's agent API, e.g. http://127.0.0.1:4040. */
  inspect?: string;
  local?: 'listening' | 'unreachable';
}

/** `check --json`: the checklist. */
export interface CheckJson {
  ok: boolean;
  checks: { id: string; status: string; message: string; fix?: string }[];
}

/** `fusionauth setup --json`: every key always present (null when not known), so a script reads one shape. */
export interface SetupJson {
  ok: boolean;
  dryRun: boolean;
  issuer: string;
  clientId: string | null;
  applicationId: string | null;
  created: boolean;
  /** Done (or, on a dry run, planned) changes, in words. */
  changes: string[];
  /** Writes whose answer never came (a timeout): they may have been applied. */
  maybeApplied: string[];
  /** Where the client secret was written; null when it was not. */
  secretWritten: string | null;
  /** The ready-to-run next step (`porthole share …`); null when there is none yet. */
  next: string | null;
  checks: { id: string; status: string; message: string; fix?: string }[];
  code?: string;
  message?: string;
  fix?: string;
  fieldErrors?: { field: string; code: string; message: string }[];
}
