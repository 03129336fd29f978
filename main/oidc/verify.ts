// adapter: "is this tunnel really protected?" — requests its public URL as a stranger would (no
// cookies, no redirects followed) and reads the answer. Network only; the verdict rules are below.
import http from 'node:http';
import https from 'node:https';
import { openidClient } from './openid.js';
import type { ProtectionResult, TunnelSpec, VerifyProtection } from '../../common/types.js';
import { discoveryUrlFor, isLoopbackHost } from './checks.js';

interface VerifyOptions {
  /** For the public URL and for FusionAuth's discovery each. Default 4000 ms. */
  timeoutMs?: number;
}

export const INTERNAL_REASON = 'internal endpoint: not reachable from the internet; protection comes from the Cloud Endpoint';

interface Answer {
  status: number;
  location?: string;
  /** `ngrok-error-code`: set when ngrok's edge answered itself (the app never saw the request). */
  ngrokError?: string;
  wwwAuthenticate?: string;
}

/** ngrok's own answers that say the request never reached the app, so nothing about sign-in. */
const NGROK_UNREACHABLE: Record<string, string> = {
  ERR_NGROK_3200: 'the endpoint is offline at ngrok (no agent session serves it right now)',
  ERR_NGROK_3004: 'ngrok got an invalid answer from the app',
  ERR_NGROK_8012: 'ngrok reached the agent, but the agent could not reach the local app',
};

/** One GET with no cookies and no redirect following. Rejects with a short reason. */
function get(url: URL, timeoutMs: number, extra: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'GET',
      // Not a browser, and says so: ngrok shows its browser-warning interstitial to neither.
      headers: { 'user-agent': 'Porthole-verify/1', accept: 'text/html,*/*', 'ngrok-skip-browser-warning': '1', ...extra },
      agent: false,
    }, (res) => {
      const location = res.headers.location;
      const ngrokError = res.headers['ngrok-error-code'];
      const www = res.headers['www-authenticate'];
      res.resume(); // only the head matters
      resolve({
        status: res.statusCode ?? 0,
        ...(location ? { location } : {}),
        ...(typeof ngrokError === 'string' ? { ngrokError } : {}),
        ...(typeof www === 'string' ? { wwwAuthenticate: www } : {}),
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
    const client = await openidClient();
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
  return async (url: string, spec: TunnelSpec, extra?: { headers?: Record<string, string> }): Promise<ProtectionResult> => {
    if (spec.mode === 'internal') return { protection: 'unknown', reason: INTERNAL_REASON };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { protection: 'unknown', reason: `not a URL: ${url}` };
    }
    let answer: Answer;
    try {
      answer = await get(target, timeoutMs, extra?.headers);
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
      // ngrok's own sign-in: its login path on the endpoint (relative or absolute, any scheme), or its IdP broker.
      if (to.hostname === 'idp.ngrok.com' || (to.hostname === target.hostname && /^\/ngrok\/login\/?$/.test(to.pathname))) {
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
    const ngrok = answer.ngrokError ? ` (${answer.ngrokError})` : '';
    if (answer.ngrokError) {
      // ngrok's edge answered by itself: whatever the status, the app's content did not come back.
      const why = NGROK_UNREACHABLE[answer.ngrokError] ?? "ngrok's edge answered with its own error page";
      return { protection: 'unknown', reason: `HTTP ${status}${ngrok}: ${why}, so the answer says nothing about sign-in` };
    }
    if (status >= 200 && status < 300) {
      return { protection: 'open', reason: `HTTP ${status}: the app answered without any sign-in; anyone with the URL gets in` };
    }
    if (status === 401 && answer.wwwAuthenticate) {
      const scheme = answer.wwwAuthenticate.split(/\s/)[0];
      return { protection: 'unknown', reason: `HTTP 401: asks for ${scheme} credentials, not a FusionAuth sign-in` };
    }
    if (status === 401 || status === 403) {
      // A deny page keeps strangers out, but it is not the sign-in Porthole set up: never "open".
      return { protection: 'unknown', reason: `HTTP ${status}: access refused without a sign-in redirect (a deny rule or the app itself?), not FusionAuth's sign-in` };
    }
    if (status >= 500) return { protection: 'unknown', reason: `HTTP ${status}: a server error, so the answer says nothing about sign-in` };
    return { protection: 'unknown', reason: `HTTP ${status} without a sign-in redirect` };
  };
}

/** Verifies with the default 4 s timeout. */
export const verifyProtection: VerifyProtection = createVerifyProtection();
