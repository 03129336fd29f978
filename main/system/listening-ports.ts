// adapter: which TCP ports are listening on this machine, and the owning process where the OS tells it.
// Linux reads /proc; macOS asks lsof; Windows asks netstat + tasklist. Commands run by execFile with fixed
// arguments (never a shell). Parsing is pure and exported for tests.

import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { connect } from 'node:net';
import type { ListeningPort } from '../../common/contract.js';

export type { ListeningPort };

/** One `/proc/net/tcp{,6}` row in LISTEN state. */
interface ProcSocket {
  port: number;
  address: string;
  inode: number;
}

const LISTEN = '0A';

/** Decode /proc's little-endian hex address (8 hex digits for IPv4, 32 for IPv6). */
function procAddress(hex: string): string {
  if (hex.length === 8) {
    const b = Buffer.from(hex, 'hex');
    return `${b[3]}.${b[2]}.${b[1]}.${b[0]}`;
  }
  // IPv6: four 32-bit words, each in host (little-endian) order.
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const w = Buffer.from(hex.slice(i, i + 8), 'hex').reverse().toString('hex');
    words.push(w.slice(0, 4), w.slice(4, 8));
  }
  const groups = words.map((g) => g.replace(/^0{1,3}/, ''));
  // IPv4-mapped (::ffff:a.b.c.d) reads better as the IPv4 address.
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const tail = Buffer.from(words[6]! + words[7]!, 'hex');
    return `${tail[0]}.${tail[1]}.${tail[2]}.${tail[3]}`;
  }
  // Compress the longest run (two or more) of zero groups once, as `::`.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestAt < 0) return groups.join(':');
  return `${groups.slice(0, bestAt).join(':')}::${groups.slice(bestAt + bestLen).join(':')}`;
}

/** Parse `/proc/net/tcp` or `/proc/net/tcp6`: the sockets in LISTEN state. */
export function parseProcNetTcp(text: string): ProcSocket[] {
  const out: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    if (!addrHex || !portHex) continue;
    out.push({ address: procAddress(addrHex), port: parseInt(portHex, 16), inode: Number(f[9]) });
  }
  return out;
}

/** Parse `lsof -nP -iTCP -sTCP:LISTEN +c 0` (macOS). lsof escapes odd bytes in names as \xNN. */
export function parseLsof(text: string): ListeningPort[] {
  const out: ListeningPort[] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s+(\d+)\s+.*\sTCP\s+(\S+):(\d+)\s+\(LISTEN\)\s*$/.exec(line);
    if (!m) continue;
    const name = m[1]!.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const addr = m[3]!.replace(/^\[|\]$/g, '');
    out.push({ port: Number(m[4]), address: addr === '*' ? '0.0.0.0' : addr, pid: Number(m[2]), process: name });
  }
  return out;
}

/**
 * Parse `netstat -ano -p TCP` and `-p TCPv6` output (Windows). The state word is localized, so a
 * listening socket is recognised by its unspecified foreign address (`0.0.0.0:0` / `[::]:0`).
 */
export function parseNetstat(text: string): ListeningPort[] {
  const out: ListeningPort[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0]?.toUpperCase() !== 'TCP') continue;
    if (f[2] !== '0.0.0.0:0' && f[2] !== '[::]:0') continue;
    const m = /^\[?(.*?)\]?:(\d+)$/.exec(f[1] ?? '');
    if (!m) continue;
    out.push({ port: Number(m[2]), address: m[1]!.replace(/%\d+$/, ''), pid: Number(f[f.length - 1]) });
  }
  return out;
}

/** Parse `tasklist /FO CSV /NH` (Windows) into pid → image name. */
export function parseTasklist(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^"([^"]*)","(\d+)"/.exec(line.trim());
    if (m) names.set(Number(m[2]), m[1]!);
  }
  return names;
}

/** One entry per port, sorted; prefers an entry that knows its process. */
export function dedupePorts(ports: ListeningPort[]): ListeningPort[] {
  const byPort = new Map<number, ListeningPort>();
  for (const p of ports) {
    if (!(p.port > 0)) continue;
    const seen = byPort.get(p.port);
    if (!seen || (!seen.process && p.process)) byPort.set(p.port, p);
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 5000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout) => {
      // lsof exits 1 when nothing matches: its (empty) output is still the answer.
      if (err && !stdout) reject(err);
      else resolve(String(stdout));
    });
  });
}

async function linuxPorts(procRoot: string): Promise<ListeningPort[]> {
  const sockets: ProcSocket[] = [];
  for (const f of ['tcp', 'tcp6']) {
    try {
      sockets.push(...parseProcNetTcp(await readFile(`${procRoot}/net/${f}`, 'utf8')));
    } catch {
      // No IPv6 on this kernel: tcp6 is absent.
    }
  }
  // inode → pid, for the processes whose fds we may read (our own user's).
  const wanted = new Set(sockets.map((s) => s.inode));
  const owner = new Map<number, number>();
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && wanted.has(Number(m[1]))) owner.set(Number(m[1]), Number(pid));
      }
    }),
  );
  const comm = new Map<number, string>();
  for (const pid of new Set(owner.values())) {
    const name = await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '');
    if (name.trim()) comm.set(pid, name.trim());
  }
  return sockets.map((s) => {
    const pid = owner.get(s.inode);
    const p: ListeningPort = { port: s.port, address: s.address };
    if (pid !== undefined) {
      p.pid = pid;
      const name = comm.get(pid);
      if (name) p.process = name;
    }
    return p;
  });
}

async function windowsPorts(): Promise<ListeningPort[]> {
  const [v4, v6, tasks] = await Promise.all([
    run('netstat', ['-ano', '-p', 'TCP']),
    run('netstat', ['-ano', '-p', 'TCPv6']).catch(() => ''),
    run('tasklist', ['/FO', 'CSV', '/NH']).catch(() => ''),
  ]);
  const names = parseTasklist(tasks);
  return parseNetstat(`${v4}\n${v6}`).map((p) => {
    const name = p.pid !== undefined ? names.get(p.pid) : undefined;
    return name ? { ...p, process: name } : p;
  });
}

interface ListPortsOptions {
  platform?: NodeJS.Platform;
  /** Root of procfs (Linux), for tests. */
  procRoot?: string;
}

/** The TCP ports listening on this machine, one per port, sorted. Never throws: an OS that won't say gives []. */
export async function listListeningPorts(opts: ListPortsOptions = {}): Promise<ListeningPort[]> {
  const platform = opts.platform ?? process.platform;
  try {
    if (platform === 'linux') return dedupePorts(await linuxPorts(opts.procRoot ?? '/proc'));
    if (platform === 'darwin') return dedupePorts(parseLsof(await run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '+c', '0'])));
    if (platform === 'win32') return dedupePorts(await windowsPorts());
  } catch {
    // The picker then offers only typing a port.
  }
  return [];
}

/** Does `host:port` accept a TCP connection within `timeoutMs`? The socket is closed at once either way. */
export function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Is anything accepting connections on `port` (127.0.0.1 or ::1)? */
export async function probePort(port: number, timeoutMs = 1000): Promise<boolean> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return false;
  const [v4, v6] = await Promise.all([tryConnect('127.0.0.1', port, timeoutMs), tryConnect('::1', port, timeoutMs)]);
  return v4 || v6;
}
