// pure: the record of one request through a tunnel, the in-memory log of the last ones per tunnel,
// and their one-line forms for `porthole share --requests`. Nothing here touches the disk: a visit
// log names colleagues and the paths they opened, so it lives and dies with the process.
import { EventEmitter } from 'node:events';
import type { VisitRecord } from '../../common/contract.js';
import { asData } from '../../common/scrub.js';

/** One completed request, as `share --requests --json` prints it (plus `event`); declared once in the contract. */
export type RequestRecord = VisitRecord;

/** How many requests are kept per tunnel. */
const REQUESTS_KEPT = 1000;

/** A fixed-size ring: pushing past capacity drops the oldest. */
class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

/**
 * The request log of every tunnel: the last REQUESTS_KEPT per tunnel, and a `request` event per
 * completed request (what `--requests`, the window's log and the new-visitor notice listen to).
 */
export class VisitLog extends EventEmitter<{ request: [RequestRecord] }> {
  private readonly rings = new Map<string, Ring<RequestRecord>>();

  constructor(readonly perTunnel = REQUESTS_KEPT) {
    super();
  }

  add(record: RequestRecord): void {
    let ring = this.rings.get(record.tunnel);
    if (!ring) this.rings.set(record.tunnel, (ring = new Ring(this.perTunnel)));
    ring.push(record);
    this.emit('request', record);
  }

  /** The tunnel's kept requests, oldest first. */
  list(tunnel: string): RequestRecord[] {
    return this.rings.get(tunnel)?.toArray() ?? [];
  }

  /** Forget a tunnel's requests (it was removed, or the user cleared its log). */
  clear(tunnel: string): void {
    this.rings.delete(tunnel);
  }
}

/**
 * The `--requests --json` line: the exact keys and order scripts read, then `cut`, `probe` and
 * `hostCheck` only when set. `share` writes it through the CLI's one JSON escaping
 * (main/cli/json-output.ts), like every other `--json` line.
 */
export function requestJson(r: RequestRecord): string {
  return JSON.stringify({
    tunnel: r.tunnel,
    event: 'request',
    at: r.at,
    method: r.method,
    path: r.path,
    status: r.status,
    ms: r.ms,
    bytes: r.bytes,
    user: r.user,
    ...(r.cut ? { cut: true } : {}),
    ...(r.probe ? { probe: true } : {}),
    ...(r.hostCheck ? { hostCheck: r.hostCheck } : {}),
  });
}

/**
 * The `--requests` line for people: `web  GET /x → 200  12 ms  345 B  alice@example.com`. Every
 * field a visitor or the app chose is printed as data (escaped, one line).
 */
export function requestText(r: RequestRecord): string {
  const who = r.probe ? "(Porthole's check)" : r.user === null ? '(not signed in)' : asData(r.user);
  const cut = r.cut ? '  (cut: the app closed the connection mid-answer)' : '';
  return `${asData(r.tunnel)}  ${asData(r.method, 40)} ${asData(r.path, 500)} → ${r.status}  ${r.ms} ms  ${formatBytes(r.bytes)}  ${who}${cut}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
