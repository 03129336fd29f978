// pure: what changed between a request's answer and its replay's — the status line, each header
// (added, removed, changed; compared by name, case-insensitively) and the body, line by line — so
// the window can mark the differences. Date-like headers differ on every answer and are said so.
import type { ExchangeSideView } from './contract.js';

interface HeaderDiff {
  name: string;
  before: string | null;
  after: string | null;
}

export interface ExchangeDiff {
  statusChanged: boolean;
  headers: HeaderDiff[];
  /** Line numbers (0-based) of the new body that are not where they were. */
  bodyLines: number[];
  bodyChanged: boolean;
}

/** Headers expected to differ on every answer: not a difference worth marking. */
export const VOLATILE_HEADERS: ReadonlySet<string> = new Set(['date', 'age', 'expires', 'last-modified', 'x-request-id', 'x-response-time']);

function byName(headers: [string, string][]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [n, v] of headers) {
    const k = n.toLowerCase();
    m.set(k, m.has(k) ? `${m.get(k)}, ${v}` : v);
  }
  return m;
}

export function diffAnswers(before: ExchangeSideView | null, after: ExchangeSideView | null): ExchangeDiff {
  const a = byName(before?.headers ?? []);
  const b = byName(after?.headers ?? []);
  const headers: HeaderDiff[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (VOLATILE_HEADERS.has(name)) continue;
    const x = a.get(name) ?? null;
    const y = b.get(name) ?? null;
    if (x !== y) headers.push({ name, before: x, after: y });
  }
  const oldLines = (before?.body.text ?? '').split('\n');
  const newLines = (after?.body.text ?? '').split('\n');
  const bodyLines: number[] = [];
  newLines.forEach((l, i) => {
    if (oldLines[i] !== l) bodyLines.push(i);
  });
  const bodyChanged = (before?.body.text ?? '') !== (after?.body.text ?? '') || before?.body.size !== after?.body.size;
  const status = (s: ExchangeSideView | null) => s?.start.split(' ').slice(1).join(' ') ?? '';
  return { statusChanged: status(before) !== status(after), headers, bodyLines, bodyChanged };
}
