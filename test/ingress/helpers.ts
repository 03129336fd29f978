// test support: shared bits of the ingress tests: a local upstream app and an SDK session on the ingress.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import ngrok, { type SessionBuilder } from '@ngrok/ngrok';
import type { Ingress } from '../support/ingress/index.js';

export interface Upstream {
  url: string;
  port: number;
  /** Requests seen, as 'METHOD path'. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A local app on port 0: `/big` serves `big` (when given), `/upload` answers the sha256 of the
 * request body, anything else answers `hello <path>`.
 */
export async function startUpstream(big?: Buffer): Promise<Upstream> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/big' && big) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      res.end(big);
      return;
    }
    if (req.url === '/upload') {
      const h = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        h.update(c);
        n += c.length;
      });
      req.on('end', () => res.end(JSON.stringify({ bytes: n, sha256: h.digest('hex') })));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A SessionBuilder pointed at the ingress (CA given as PEM text), authtoken 'test'. */
export function sessionBuilder(ing: Ingress, authtoken = 'test'): SessionBuilder {
  return new ngrok.SessionBuilder().authtoken(authtoken).serverAddr(ing.serverAddr).caCert(Buffer.from(ing.caPem));
}

/** GET url; resolves with status and text, rejects on a connection failure. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The error code of a failed TCP connection to the URL's host and port (e.g. ECONNREFUSED), or 'answered' when something accepts it. */
export async function connectOutcome(url: string): Promise<string> {
  // A fresh TCP connection, never one kept alive from an earlier fetch (undici pools them, and a
  // pooled socket the edge closed reads as UND_ERR_SOCKET, not as a refusal).
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      resolve('answered');
    });
    s.once('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(String(err.code ?? err.name)));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cleanup in reverse order of registration (session before ingress before app), run after the
 * test whatever its outcome. Returns the function that registers one step.
 */
export function cleanup(t: { after(fn: () => Promise<void>): void }): (fn: () => unknown) => void {
  const steps: (() => unknown)[] = [];
  t.after(async () => {
    for (const step of steps.reverse()) await step();
  });
  return (fn) => steps.push(fn);
}

/** Close an SDK session; it fails with "transport error" when the ingress already cut it, which is fine here. */
export async function closeSession(session: { close(): Promise<void> }): Promise<void> {
  await session.close().catch(() => {});
}
