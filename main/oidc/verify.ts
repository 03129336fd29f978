// adapter: "is this tunnel really protected?" — requests its public URL as a stranger would (no
// cookies, no redirects followed) and reads the answer. Network only; the verdict rules are below.
import http from 'node:http';
import https from 'node:https';
import * as client from 'openid-client';
import type { ProtectionResult, TunnelSpec, VerifyProtection } from '../types.js';
import { discoveryUrlFor, isLoopbackHost } from './checks.js';

export interface VerifyOptions {
  /** For the public URL and for FusionAuth's discovery each. Default 4000 ms. */
  timeoutMs?: number;
}

export const INTERNAL_REASON = 'internal endpoint: not reachable from the internet; protection comes from the Cloud Endpoint';

interface Answer {
  status: number;
  location?: string;
  ngrokError?: string;
}

/** One GET with no cookies and no redirect following. Rejects with a short reason. */
function get(url: URL, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'GET',
      headers: { 'user-agent': 'Porthole-verify/1', accept: 'text/html,*/*' },
      agent: false,
    }, (res) => {
      const location = res.headers.location;
      const ngrokError = res.headers['ngrok-error-code'];
      res.resume(); // only the head matters
      resolve({
        status: res.statusCode ?? 0,
        ...(location ? { location } : {}),
        ...(typeof ngrokError === 'string' ? { ngrokError } : {}),
      });
      req.destroy();
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.name;
      const seconds = Math.round(timeoutMs / 100) / 10;
      const reason = code === 'ETIMEDOUT' ? `no answer within ${seconds} s (timeout)`
        : code === 'ECONNREFUSED' ? 'connection refused: nothing listens at the public URL'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `DNS lookup failed for ${url.hostname}`
        : code === 'ECONNRESET' ? 'the connection was reset'
        : `request failed (${code})`;
      reject(new Error(reason));
    });
    req.end();
  });
}

/** The issuer's authorization endpoint, from discovery (openid-client), else FusionAuth's path. */
async function authorizationEndpoint(issuer: string, timeoutMs: number): Promise<URL | undefined> {
  let base: URL;
  try {
    base = new URL(issuer);
  } catch {
    return undefined;
  }
  const fallback = new URL('/oauth2/authorize', base.origin);
  try {
    const doc = new URL(discoveryUrlFor(issuer));
    const insecure = doc.protocol === 'http:' && isLoopbackHost(doc.hostname);
    const config = await client.discovery(doc, 'porthole-verify', undefined, client.None(), {
      timeout: timeoutMs / 1000,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
    const found = config.serverMetadata().authorization_endpoint;
    return found ? new URL(found) : fallback;
  } catch {
    return fallback;
  }
}

const samePath = (a: URL, b: URL) => a.origin === b.origin && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');

/** Builds the check with its own timeout; `verifyProtection` is the default one. */
export function createVerifyProtection(opts: VerifyOptions = {}): VerifyProtection {
  const timeoutMs = opts.timeoutMs ?? 4000;
  return async (url: string, spec: TunnelSpec): Promise<ProtectionResult> => {
    if (spec.mode === 'internal') return { protection: 'unknown', reason: INTERNAL_REASON };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { protection: 'unknown', reason: `not a URL: ${url}` };
    }
    let answer: Answer;
    try {
      answer = await get(target, timeoutMs);
    } catch (err) {
      return { protection: 'unknown', reason: (err as Error).message };
    }
    const { status } = answer;
    if (status >= 300 && status < 400 && answer.location) {
      let to: URL;
      try {
        to = new URL(answer.location, target);
      } catch {
        return { protection: 'unknown', reason: `HTTP ${status} to an unreadable location` };
      }
      const shown = `${to.origin}${to.pathname}`;
      // ngrok's own sign-in: its login path on the endpoint, or its IdP broker.
      if (to.hostname === 'idp.ngrok.com' || (to.origin === target.origin && to.pathname.startsWith('/ngrok/login'))) {
        return { protection: 'protected', reason: `redirects to ngrok's sign-in (${shown})` };
      }
      const issuer = spec.fusionauth?.issuer;
      if (issuer) {
        const authz = await authorizationEndpoint(issuer, timeoutMs);
        let fa: URL | undefined;
        try {
          fa = new URL('/oauth2/authorize', new URL(issuer).origin);
        } catch {
          fa = undefined;
        }
        if ((authz && samePath(to, authz)) || (fa && samePath(to, fa))) {
          return { protection: 'protected', reason: `redirects to FusionAuth's sign-in (${shown})` };
        }
      }
      return { protection: 'unknown', reason: `HTTP ${status} redirect to ${shown}, which is not ${issuer ? "FusionAuth's" : "ngrok's"} sign-in` };
    }
    if (status >= 200 && status < 300) {
      return { protection: 'open', reason: `HTTP ${status}: the app answered without any sign-in; anyone with the URL gets in` };
    }
    const ngrok = answer.ngrokError ? ` (${answer.ngrokError})` : '';
    if (answer.ngrokError === 'ERR_NGROK_3200' || answer.ngrokError === 'ERR_NGROK_3004' || answer.ngrokError === 'ERR_NGROK_8012') {
      return { protection: 'unknown', reason: `HTTP ${status}${ngrok}: ngrok could not reach the app, so the answer says nothing about sign-in` };
    }
    if (status >= 500) return { protection: 'unknown', reason: `HTTP ${status}${ngrok}: a server error, so the answer says nothing about sign-in` };
    return { protection: 'unknown', reason: `HTTP ${status}${ngrok} without a sign-in redirect` };
  };
}

/** Verifies with the default 4 s timeout. */
export const verifyProtection: VerifyProtection = createVerifyProtection();
