// test support: a local app for the recording proxy's tests. /upload streams in (and says when its
// first bytes came), /stream streams out in steps the test releases, /boom is the app's own 500,
// /whoami echoes the identity headers, and any path upgrades to a WebSocket that echoes text frames.
import { createHash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestApp {
  url: string;
  port: number;
  /** 'METHOD path' of each request, in order ('UPGRADE path' for a WebSocket). */
  seen: string[];
  /** Each request's headers as they arrived: names in their case and order, values (req.rawHeaders). */
  rawHeaders: string[][];
  /** Identity headers of each request ('' when absent). */
  identities: { email: string; user: string }[];
  /** TCP connections the app accepted. */
  connections(): number;
  /** Resolves when /upload's first body bytes arrived. */
  firstUploadBytes: Promise<void>;
  /** /stream sends its first MB, then waits for this to be called before the rest. */
  releaseStream(): void;
  close(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const seen: string[] = [];
  const identities: { email: string; user: string }[] = [];
  const rawHeaders: string[][] = [];
  let conns = 0;
  let onFirstUpload!: () => void;
  const firstUploadBytes = new Promise<void>((r) => (onFirstUpload = r));
  let onRelease!: () => void;
  const released = new Promise<void>((r) => (onRelease = r));
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    rawHeaders.push(req.rawHeaders);
    identities.push({ email: String(req.headers['x-forwarded-email'] ?? ''), user: String(req.headers['x-forwarded-user'] ?? '') });
    if (req.url === '/upload') return upload(req, res, onFirstUpload);
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(1024 * 1024, 1));
      void released.then(() => res.end(Buffer.alloc(1024 * 1024, 2)));
      return;
    }
    if (req.url === '/boom') {
      res.writeHead(500, { 'content-type': 'text/plain', 'x-app': 'yes' });
      return res.end('kaput');
    }
    if (req.url === '/whoami') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(identities.at(-1)));
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`hello ${req.url}`);
  });
  server.on('connection', (s: Socket) => {
    conns++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push(`UPGRADE ${req.url}`);
    identities.push({ email: String(req.headers['x-forwarded-email'] ?? ''), user: String(req.headers['x-forwarded-user'] ?? '') });
    sockets.add(socket);
    wsEcho(req, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    identities,
    rawHeaders,
    connections: () => conns,
    firstUploadBytes,
    releaseStream: onRelease,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function upload(req: IncomingMessage, res: http.ServerResponse, first: () => void): void {
  const h = createHash('sha256');
  let n = 0;
  req.on('data', (c: Buffer) => {
    if (n === 0) first();
    h.update(c);
    n += c.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ bytes: n, sha256: h.digest('hex') }));
  });
}

/** A minimal RFC 6455 server side: handshake, then each text frame echoed back; a close frame closes. */
function wsEcho(req: IncomingMessage, socket: Socket): void {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buf = buf.subarray(off + 4 + len);
      if (opcode === 8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (opcode === 1) socket.write(frame(payload));
    }
  });
}

function frame(payload: Buffer): Buffer {
  const head = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}
