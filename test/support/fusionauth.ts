// test support: a real OpenID provider (npm oidc-provider) on 127.0.0.1, laid out like FusionAuth,
// with the misconfigurations users make as variants. Only loopback traffic; nothing is mocked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Provider from 'oidc-provider';

/** Where the ngrok edge sends users back after sign-in (FusionAuth: Authorized redirect URLs). */
export const NGROK_REDIRECT_URI = 'https://idp.ngrok.com/oauth2/callback';

export type FusionAuthVariant =
  /** Everything set up as the guide says. */
  | 'good'
  /** Tenants > Your Tenant > General > Issuer left at FusionAuth's default `acme.com`: discovery says
   *  `"issuer":"acme.com"` while the provider is reachable at the loopback URL. */
  | 'acme-issuer'
  /** The tenant issuer ends with '/' (`http://127.0.0.1:PORT/`, also the `iss` of its tokens)
   *  while the user types it without (`configuredIssuer` = `http://127.0.0.1:PORT`). */
  | 'trailing-slash'
  /** `clientSecret` is not the application's secret (a typo in the copied value). */
  | 'wrong-secret'
  /** Nothing listens: the port refuses connections. */
  | 'down'
  /** The Refresh Token grant is off: the provider neither advertises it nor lets the app use it. */
  | 'no-refresh-grant'
  /** The provider offers no `email` scope (and no email claim). */
  | 'no-email-scope'
  /** Discovery omits `grant_types_supported` altogether (the provider "doesn't say"). */
  | 'grants-unlisted';

export interface FusionAuthOptions {
  variant?: FusionAuthVariant;
  /** Extra allowed redirect URIs (the test ingress's callback); NGROK_REDIRECT_URI is always registered. */
  redirectUris?: string[];
  /** Default: alice@example.test / bob@other.test, password 'password'. */
  users?: { email: string; password: string }[];
  /** Lets the FusionAuth API stand-in (test/support/fusionauth-api/) share this server and its state. */
  hooks?: FusionAuthHooks;
  /** A hostile or broken provider (see HostileBehaviour); the rest of the provider is as usual. */
  hostile?: HostileBehaviour;
  /** Rewrites the discovery document on its way out (a forged issuer, a `file:` token endpoint, …). */
  rewriteDiscovery?: (doc: Record<string, unknown>) => void;
  /** The token endpoint answers this instead of oidc-provider (e.g. an error_description echoing the request). */
  tokenAnswer?: (req: SeenRequest) => { status: number; body: Record<string, unknown> };
}

export type HostileBehaviour =
  /** Discovery answers `{"issuer":"…","x":"` and then keeps streaming forever. */
  | 'endless-discovery'
  /** Discovery answers a 2 MB gzip body that inflates to 2 GB. */
  | 'gzip-bomb'
  /** Discovery sends its headers and a first byte, then one byte a second: the body never completes in time. */
  | 'slow-discovery'
  /** Discovery names a token endpoint on another loopback port (`foreign`), which records what it got. */
  | 'foreign-token-endpoint';

/** A request as a hostile endpoint saw it. */
export interface SeenRequest {
  authorization?: string;
  body: string;
}

/** How the API stand-in plugs into this provider: it answers `/api/` requests, supplies clients made
 *  through the API, sets the issuer discovery serves (the tenant's) and refuses unregistered users. */
export interface FusionAuthHooks {
  /** Called with the listening origin before the provider is built. */
  onListen?(issuer: string): void;
  /** True when it answered the request itself. */
  handle?(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** oidc-provider client metadata for an id unknown to the static client list. */
  findClient?(clientId: string): Record<string, unknown> | undefined;
  /** The issuer discovery should serve now (e.g. the tenant's, maybe `acme.com`). */
  servedIssuer?(): string;
  /** Why this user may not sign in to this client (FusionAuth's requireRegistration), or undefined. */
  refuseLogin?(email: string, clientId: string): string | undefined;
}

export interface FusionAuth {
  /** 'http://127.0.0.1:PORT': where the provider is reachable, and what the tenant's issuer should be. */
  issuer: string;
  /** What a user would type for this variant's scenario (Porthole's `--issuer`). */
  configuredIssuer: string;
  /** The `issuer` the discovery document actually serves ('acme.com', '…/' or `issuer`). */
  servedIssuer: string;
  clientId: string;
  /** The application's secret; for 'wrong-secret' a wrong one. */
  clientSecret: string;
  users: { email: string; password: string }[];
  /** 'foreign-token-endpoint': the other origin's token endpoint and every request it received. */
  foreign?: { tokenEndpoint: string; requests: SeenRequest[] };
  close(): Promise<void>;
}

const DEFAULT_USERS = [
  { email: 'alice@example.test', password: 'password' },
  { email: 'bob@other.test', password: 'password' },
];

// One RSA signing key per test process: generating one costs ~100 ms, and tests start many providers.
let signingKey: Record<string, unknown> | undefined;
function jwks(): { keys: Record<string, unknown>[] } {
  if (!signingKey) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'porthole-test', use: 'sig', alg: 'RS256' };
  }
  return { keys: [signingKey] };
}

/** oidc-provider's storage, one Map per provider (its own quick-start adapter is shared and warns). */
function memoryAdapter(findClient?: FusionAuthHooks['findClient']): new (model: string) => object {
  const store = new Map<string, Record<string, unknown>>();
  return class {
    constructor(private readonly model: string) {}
    private key(id: string) { return `${this.model}:${id}`; }
    private client(id: string) { return this.model === 'Client' ? findClient?.(id) : undefined; }
    async upsert(id: string, payload: Record<string, unknown>) {
      store.set(this.key(id), payload);
      if (typeof payload.uid === 'string') store.set(`${this.model}:uid:${payload.uid}`, { ref: id });
    }
    async find(id: string) { return this.client(id) ?? store.get(this.key(id)); }
    async findByUid(uid: string) {
      const ref = store.get(`${this.model}:uid:${uid}`)?.ref;
      return typeof ref === 'string' ? store.get(this.key(ref)) : undefined;
    }
    async findByUserCode() { return undefined; }
    async consume(id: string) {
      const p = store.get(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) { store.delete(this.key(id)); }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of store) if (v.grantId === grantId) store.delete(k);
    }
  };
}

/** FusionAuth's user ids are UUIDs; derive a stable one from the email. */
function userId(email: string): string {
  const h = createHash('sha256').update(email).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, clientName: string, error?: string, loginId = ''): string {
  // Field names and ids as on FusionAuth's hosted login page (loginId, password).
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Login | FusionAuth</title>
<style>
 body{font-family:system-ui,sans-serif;background:#f3f4f6;display:flex;justify-content:center;padding-top:10vh}
 main{background:#fff;border-radius:8px;box-shadow:0 2px 8px #0002;padding:2rem 2.5rem;width:22rem}
 h1{font-size:1.4rem;margin:0 0 .25rem} p.app{color:#555;margin:0 0 1.5rem}
 label{display:block;font-size:.9rem;margin:.75rem 0 .25rem} input{width:100%;padding:.5rem;box-sizing:border-box}
 button{margin-top:1.25rem;width:100%;padding:.6rem;background:#f58320;color:#fff;border:0;border-radius:4px;font-size:1rem}
 .error{background:#fde8e8;color:#9b1c1c;padding:.5rem;border-radius:4px}
</style></head>
<body><main>
<h1>Login</h1><p class="app">to ${esc(clientName)}</p>
${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
 <label for="loginId">Email</label><input id="loginId" name="loginId" type="text" value="${esc(loginId)}" autofocus>
 <label for="password">Password</label><input id="password" name="password" type="password">
 <button type="submit" id="submit">Submit</button>
</form></main></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts a FusionAuth-shaped OpenID provider on 127.0.0.1 (a random port). */
export async function startFusionAuth(opts: FusionAuthOptions = {}): Promise<FusionAuth> {
  const variant = opts.variant ?? 'good';
  const users = opts.users ?? DEFAULT_USERS;
  const clientId = 'e9fdb985-9173-4e01-9d73-ac2d60d1dc8e'; // FusionAuth client ids are the application's UUID
  const realSecret = randomBytes(24).toString('base64url');
  const wrongSecret = `${realSecret.slice(0, -4)}XXXX`;

  if (variant === 'down') {
    const issuer = `http://127.0.0.1:${await refusedPort()}`;
    return {
      issuer, configuredIssuer: issuer, servedIssuer: issuer, clientId, clientSecret: realSecret, users,
      close: async () => {},
    };
  }

  // Listen first: the issuer has to carry the port.
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  opts.hooks?.onListen?.(issuer);
  const providerIssuer = variant === 'trailing-slash' ? `${issuer}/` : issuer;
  const servedIssuer = variant === 'acme-issuer' ? 'acme.com' : providerIssuer;

  const refresh = variant !== 'no-refresh-grant';
  const email = variant !== 'no-email-scope';
  const scopes = ['openid', 'profile', ...(email ? ['email'] : []), ...(refresh ? ['offline_access'] : [])];
  const claims: Record<string, string[]> = { openid: ['sub'], profile: ['name', 'preferred_username'] };
  if (email) claims.email = ['email', 'email_verified'];

  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const provider = new Provider(providerIssuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: realSecret,
        client_name: 'ngrok',
        grant_types: refresh ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [NGROK_REDIRECT_URI, ...(opts.redirectUris ?? [])],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // FusionAuth accepts the client secret in the Authorization header or in the body.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/oauth2/userinfo',
      jwks: '/.well-known/jwks.json',
      end_session: '/oauth2/logout',
    },
    responseTypes: ['code'],
    scopes,
    claims,
    // FusionAuth puts the email claim in the ID token; ngrok's deny rule reads it from there.
    conformIdTokenClaims: false,
    adapter: memoryAdapter(opts.hooks?.findClient),
    // Explicit lifetimes (an hour; refresh tokens a day), which also keeps oidc-provider's notices quiet.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600, RefreshToken: 86400 },
    jwks: jwks(),
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: {
      devInteractions: { enabled: false }, // our own login page below, FusionAuth-shaped
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      // ngrok's edge and openid-client both speak plain bearer tokens
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    // PKCE is used by our edge gate but not required, as in FusionAuth's default application.
    pkce: { required: () => false },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, id: string) {
      const user = [...byEmail.values()].find((u) => userId(u.email) === id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: user.email,
            email_verified: true,
            name: user.email.split('@')[0],
            preferred_username: user.email,
          };
        },
      };
    },
    renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>Error | FusionAuth</title><h1>${esc(out.error ?? 'error')}</h1><p id="error">${esc(out.error_description ?? '')}</p>`;
    },
  } as never);
  // Quiet: tests provoke errors on purpose (bad codes, wrong secrets).
  provider.on('server_error', () => {});

  const served = opts.hooks?.servedIssuer;
  const foreign = opts.hostile === 'foreign-token-endpoint' ? await foreignTokenEndpoint() : undefined;
  if (variant === 'acme-issuer' || variant === 'grants-unlisted' || served || foreign || opts.rewriteDiscovery) {
    // FusionAuth serves whatever the tenant's Issuer field says; oidc-provider refuses a non-URL
    // issuer, so the discovery document is rewritten on its way out.
    provider.use(async (ctx: { path: string; body: unknown }, next: () => Promise<void>) => {
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && ctx.body && typeof ctx.body === 'object') {
        const doc = ctx.body as Record<string, unknown>;
        if (variant === 'acme-issuer') doc.issuer = servedIssuer;
        if (served) doc.issuer = served();
        if (variant === 'grants-unlisted') delete doc.grant_types_supported;
        if (foreign) doc.token_endpoint = foreign.tokenEndpoint;
        opts.rewriteDiscovery?.(doc);
      }
    });
  }

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (opts.hooks?.handle?.(req, res)) return;
    if (hostileAnswer(req, res, opts)) return;
    const m = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!m) return void callback(req, res);
    interaction(req, res, m[2] === '/login').catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  });

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, submit: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params } = details;
    if (prompt.name === 'login') {
      if (!submit) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(loginPage(uid, 'ngrok'));
        return;
      }
      const form = await readForm(req);
      const loginId = (form.get('loginId') ?? '').trim();
      const user = byEmail.get(loginId.toLowerCase());
      if (!user || user.password !== form.get('password')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(loginPage(uid, 'ngrok', 'Invalid login credentials.', loginId));
        return;
      }
      const refused = opts.hooks?.refuseLogin?.(user.email, String(params.client_id));
      if (refused) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(loginPage(uid, 'ngrok', refused, loginId));
        return;
      }
      const to = await provider.interactionResult(req, res, { login: { accountId: userId(user.email) } }, { mergeWithLastSubmission: false });
      res.writeHead(303, { location: to });
      res.end();
      return;
    }
    // Consent: FusionAuth's first-party applications never ask, so grant what was requested.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session!.accountId, clientId: params.client_id as string });
    const d = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (d.missingOIDCScope) grant!.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant!.addOIDCClaims(d.missingOIDCClaims);
    const grantId = await grant!.save();
    const to = await provider.interactionResult(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    res.writeHead(303, { location: to });
    res.end();
  }

  let closed = false;
  return {
    issuer,
    configuredIssuer: issuer,
    servedIssuer,
    clientId,
    clientSecret: variant === 'wrong-secret' ? wrongSecret : realSecret,
    users,
    ...(foreign ? { foreign: { tokenEndpoint: foreign.tokenEndpoint, requests: foreign.requests } } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await foreign?.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function seen(req: http.IncomingMessage): Promise<SeenRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return { ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body: Buffer.concat(chunks).toString('utf8') };
}

// 2 MB of gzip members, each 16 MB of zeros: inflates to 2 GB. Built once per process.
let bomb: Buffer | undefined;
function gzipBomb(): Buffer {
  if (!bomb) {
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    bomb = Buffer.concat(Array.from({ length: Math.ceil((2 * 1024 * 1024) / member.length) }, () => member));
  }
  return bomb;
}

/** Answers the hostile behaviours' requests itself; true when it did. */
function hostileAnswer(req: http.IncomingMessage, res: http.ServerResponse, opts: FusionAuthOptions): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/oauth2/token' && opts.tokenAnswer) {
    void seen(req).then((r) => {
      const { status, body } = opts.tokenAnswer!(r);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    });
    return true;
  }
  if (path !== '/.well-known/openid-configuration') return false;
  switch (opts.hostile) {
    case 'endless-discovery': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"issuer":"http://127.0.0.1","x":"');
      const chunk = 'A'.repeat(64 * 1024);
      const more = () => { while (res.write(chunk)) { /* until the socket pushes back */ } };
      res.on('drain', more);
      res.on('close', () => res.off('drain', more));
      more();
      return true;
    }
    case 'gzip-bomb':
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipBomb());
      return true;
    case 'slow-discovery': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const t = setInterval(() => res.write(' '), 1000);
      res.on('close', () => clearInterval(t));
      return true;
    }
    default:
      return false;
  }
}

/** A token endpoint on another loopback port that records each request and refuses it like invalid_grant. */
async function foreignTokenEndpoint(): Promise<{ tokenEndpoint: string; requests: SeenRequest[]; close(): Promise<void> }> {
  const requests: SeenRequest[] = [];
  const srv = http.createServer((req, res) => {
    void seen(req).then((r) => {
      requests.push(r);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_grant"}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return {
    tokenEndpoint: `http://127.0.0.1:${port}/oauth2/token`,
    requests,
    close: async () => {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
