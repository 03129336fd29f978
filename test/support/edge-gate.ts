// test support: ngrok's edge OpenID Connect for the loopback test ingress, with openid-client.
// A visitor with no session is sent to the provider (state, nonce, PKCE); the callback exchanges the
// code, validates the ID token, applies the endpoint's allow rule, then hands a session to the endpoint.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';

/** One endpoint's OIDC settings as the ingress read them from its traffic policy (or legacy options). */
export interface EdgeGateConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** The deny rule, evaluated: false means 403 for this email. */
  isAllowed(email: string | undefined): boolean;
}

export interface EdgeEndpoint {
  id: string;
  /** The endpoint's public URL at the ingress, e.g. 'http://127.0.0.1:PORT'. */
  publicUrl: string;
  config: EdgeGateConfig;
}

interface Pending {
  endpointId: string;
  publicUrl: string;
  returnTo: string;
  verifier: string;
  nonce: string;
  gate: EdgeGateConfig;
  config: client.Configuration;
  at: number;
}

interface Session {
  endpointId: string;
  email: string | undefined;
  /** The `name` claim (scope profile), for the policy's ${actions.ngrok.oidc.identity.name}. */
  name: string | undefined;
  sub: string;
}

/** ngrok reserves /ngrok/* on an OIDC endpoint; the session hand-over uses one such path. */
const SESSION_PATH = '/ngrok/session';
const LOGIN_PATH = '/ngrok/login';
const LOGOUT_PATH = '/ngrok/logout';
const PENDING_TTL_MS = 10 * 60_000;

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;padding:3rem"><h1>${esc(title)}</h1><p id="reason">${esc(text)}</p></body></html>`);
}

function redirect(res: ServerResponse, to: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(302, { location: to, 'cache-control': 'no-store', ...headers });
  res.end();
}

/**
 * The edge's OIDC gate. Cookies on 127.0.0.1 are shared across ports, so each endpoint's session
 * cookie is named after the endpoint id, and a session is only honoured by the endpoint it was made for.
 */
export class EdgeAuth {
  private readonly configs = new Map<string, Promise<client.Configuration>>();
  private readonly pending = new Map<string, Pending>();
  private readonly tickets = new Map<string, { endpointId: string; sessionId: string; returnTo: string }>();
  private readonly sessions = new Map<string, Session>();

  /** `callbackUrl`: the ingress's idpCallbackUrl, 'http://127.0.0.1:PORT/oauth2/callback'. */
  constructor(readonly callbackUrl: string) {}

  /** The session cookie's name for an endpoint. */
  static cookieName(endpointId: string): string {
    return `ngrok_session_${endpointId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  /**
   * Gates one visitor request. True: answered here (302 to the provider, the session hand-over,
   * or 403). False: signed in and allowed; the caller proxies the request to the agent.
   */
  async handle(endpoint: EdgeEndpoint, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', endpoint.publicUrl);
    const name = EdgeAuth.cookieName(endpoint.id);

    if (url.pathname === SESSION_PATH) {
      const ticket = this.tickets.get(url.searchParams.get('ticket') ?? '');
      this.tickets.delete(url.searchParams.get('ticket') ?? '');
      if (!ticket || ticket.endpointId !== endpoint.id) {
        page(res, 400, 'Sign-in failed', 'This sign-in link is unknown or was already used.');
        return true;
      }
      redirect(res, ticket.returnTo, { 'set-cookie': `${name}=${ticket.sessionId}; Path=/; HttpOnly; SameSite=Lax` });
      return true;
    }
    if (url.pathname === LOGOUT_PATH) {
      const sid = cookies(req).get(name);
      if (sid) this.sessions.delete(sid);
      page(res, 200, 'Signed out', 'You are signed out of this endpoint.', { 'set-cookie': `${name}=; Path=/; Max-Age=0` });
      return true;
    }

    const session = this.sessionOf(endpoint.id, req);
    if (session && url.pathname !== LOGIN_PATH) {
      if (endpoint.config.isAllowed(session.email)) return false;
      page(res, 403, 'Access denied', `${session.email ?? 'This account'} is not allowed on this endpoint.`);
      return true;
    }

    let config: client.Configuration;
    try {
      config = await this.configFor(endpoint.config);
    } catch (err) {
      page(res, 502, 'Identity provider unreachable', `ngrok could not read the OpenID configuration of ${endpoint.config.issuer}: ${(err as Error).message}`);
      return true;
    }
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    this.sweep();
    this.pending.set(state, {
      endpointId: endpoint.id,
      publicUrl: endpoint.publicUrl,
      returnTo: url.pathname === LOGIN_PATH ? '/' : `${url.pathname}${url.search}`,
      verifier, nonce, gate: endpoint.config, config, at: Date.now(),
    });
    const scopes = endpoint.config.scopes.includes('openid') ? endpoint.config.scopes : ['openid', ...endpoint.config.scopes];
    const to = client.buildAuthorizationUrl(config, {
      redirect_uri: this.callbackUrl,
      scope: scopes.join(' '),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(url.pathname === LOGIN_PATH ? { prompt: 'login' } : {}),
    });
    redirect(res, to.href);
    return true;
  }

  /** The provider's redirect back: code exchange, ID token validation, the allow rule, the session. */
  async callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.callbackUrl);
    const state = url.searchParams.get('state') ?? '';
    const p = this.pending.get(state);
    this.pending.delete(state);
    if (!p || Date.now() - p.at > PENDING_TTL_MS) {
      page(res, 400, 'Sign-in failed', 'This sign-in is unknown or has expired; open the endpoint again.');
      return;
    }
    const error = url.searchParams.get('error');
    if (error) {
      page(res, 403, 'Sign-in failed', `The identity provider answered ${error}: ${url.searchParams.get('error_description') ?? ''}`);
      return;
    }
    let email: string | undefined;
    let name: string | undefined;
    let sub: string;
    try {
      const current = new URL(this.callbackUrl);
      current.search = url.search;
      const tokens = await client.authorizationCodeGrant(p.config, current, {
        pkceCodeVerifier: p.verifier,
        expectedState: state,
        expectedNonce: p.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      sub = claims.sub;
      email = typeof claims.email === 'string' ? claims.email : undefined;
      name = typeof claims.name === 'string' ? claims.name : undefined;
      const wantsInfo = (email === undefined && p.gate.scopes.includes('email')) || (name === undefined && p.gate.scopes.includes('profile'));
      if (wantsInfo && tokens.access_token) {
        // Like ngrok, fall back to userinfo when the ID token carries no email (or name).
        const info = await client.fetchUserInfo(p.config, tokens.access_token, sub);
        email ??= typeof info.email === 'string' ? info.email : undefined;
        name ??= typeof info.name === 'string' ? info.name : undefined;
      }
    } catch (err) {
      // ngrok's own error page for a token it cannot verify is ERR_NGROK_5204.
      page(res, 502, 'Sign-in failed', `ERR_NGROK_5204: the ID token could not be obtained or verified: ${(err as Error).message}`, { 'ngrok-error-code': 'ERR_NGROK_5204' });
      return;
    }
    if (!p.gate.isAllowed(email)) {
      page(res, 403, 'Access denied', `${email ?? 'This account'} is not allowed on this endpoint.`);
      return;
    }
    const sessionId = randomBytes(24).toString('base64url');
    this.sessions.set(sessionId, { endpointId: p.endpointId, email, name, sub });
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { endpointId: p.endpointId, sessionId, returnTo: p.returnTo });
    redirect(res, `${p.publicUrl.replace(/\/+$/, '')}${SESSION_PATH}?ticket=${ticket}`);
  }

  /**
   * Who the visitor of a request is, when they hold a session for this endpoint (what ngrok's
   * openid-connect action exposes as actions.ngrok.oidc.identity); undefined when they do not.
   */
  identityOf(endpointId: string, req: IncomingMessage): { email?: string; name?: string; sub?: string } | undefined {
    const s = this.sessionOf(endpointId, req);
    if (!s) return undefined;
    return { ...(s.email !== undefined ? { email: s.email } : {}), ...(s.name !== undefined ? { name: s.name } : {}), sub: s.sub };
  }

  /** The session the request's cookie for this endpoint names; a session made for another endpoint does not count. */
  private sessionOf(endpointId: string, req: IncomingMessage): Session | undefined {
    const s = this.sessions.get(cookies(req).get(EdgeAuth.cookieName(endpointId)) ?? '');
    return s && s.endpointId === endpointId ? s : undefined;
  }

  /** One openid-client Configuration per provider and client (discovery happens once). */
  private configFor(gate: EdgeGateConfig): Promise<client.Configuration> {
    const key = JSON.stringify([gate.issuer, gate.clientId, gate.clientSecret]);
    let found = this.configs.get(key);
    if (!found) {
      const issuer = new URL(gate.issuer);
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
      found = (async () => {
        const probe = await client.discovery(issuer, gate.clientId, undefined, client.None(), {
          timeout: 5,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        });
        // Authenticate the way the provider advertises, as ngrok does (basic first).
        const methods = probe.serverMetadata().token_endpoint_auth_methods_supported;
        const usePost = Array.isArray(methods) && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
        const auth = usePost ? client.ClientSecretPost(gate.clientSecret) : client.ClientSecretBasic(gate.clientSecret);
        const config = new client.Configuration(probe.serverMetadata(), gate.clientId, undefined, auth);
        config.timeout = 5;
        if (insecure) client.allowInsecureRequests(config);
        return config;
      })();
      found.catch(() => this.configs.delete(key)); // a provider that was down may come up later
      this.configs.set(key, found);
    }
    return found;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.pending) if (now - v.at > PENDING_TTL_MS) this.pending.delete(k);
  }
}
