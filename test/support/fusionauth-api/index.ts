// test support: a FusionAuth stand-in on loopback: the `/api/` endpoints Porthole's set-up uses, with
// state, on the same server as the real OpenID provider of ../fusionauth.ts, so an application created
// through the API is a client that provider accepts (its redirect URLs and grants enforced there).
// Every request body Porthole sends and every answer given is checked against FusionAuth's OpenAPI
// document (./openapi.ts); violations are answered 400 and collected in `violations`.
import type http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { startFusionAuth, type FusionAuth } from '../fusionauth.js';
import { loadContract } from './openapi.js';

type Json = Record<string, any>;

export interface ApiKey {
  key: string;
  /** A key locked to one tenant (FusionAuth: "Tenant" on the key). */
  tenantId?: string;
  /** FusionAuth's endpoint permissions: endpoint → allowed methods. Absent: a super-user key. */
  endpoints?: Record<string, string[]>;
}

export interface StandInOptions {
  tenants?: { id?: string; name: string; issuer?: string }[];
  users?: { email: string; password: string; tenant?: number }[];
  keys?: ApiKey[];
  /** Delay every `/api/` answer (ms): for bounded waits. */
  delayMs?: number;
  /** Answer `/api/` with this many bytes of JSON padding: for bounded reads. */
  hugeBytes?: number;
  /** The test ingress plays ngrok's edge at a loopback callback (its `idpCallbackUrl`): an application
   *  whose Authorized redirect URLs hold ngrok's callback accepts this one too, and only then. */
  ngrokCallback?: string;
  /** Answers a request as a hostile or broken FusionAuth would (a wrong shape, a redirect), or
   *  delays it; undefined: the normal answer. Such answers are not held to the document. */
  override?: (method: string, path: string) => { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number } | undefined;
}

export interface StandIn {
  /** The FusionAuth base URL (also what a correct tenant issuer is). */
  url: string;
  provider: FusionAuth;
  tenants: Json[];
  applications: Map<string, Json>;
  users: Json[];
  keys: ApiKey[];
  /** Contract violations seen (requests and responses): a test asserts it stays empty. */
  violations: string[];
  /** Every `/api/` request, as `METHOD path`. */
  calls: string[];
  options: StandInOptions;
  close(): Promise<void>;
}

export const SUPER_KEY = 'super-key-0123456789abcdef0123456789abcdef';
const now = () => Date.now();

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function endpointOf(path: string): string {
  return path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/|$)/gi, '');
}

function mayCall(key: ApiKey, method: string, path: string): boolean {
  if (!key.endpoints) return true;
  return (key.endpoints[endpointOf(path)] ?? []).includes(method);
}

/** FusionAuth's deep merge for PATCH; arrays are replaced (RFC 7396). */
function merge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? merge(out[k], v) : v;
  return out;
}

const fieldError = (field: string, code: string, message: string) => ({ fieldErrors: { [field]: [{ code, message }] } });

const NGROK_CALLBACK = 'https://idp.ngrok.com/oauth2/callback';

/** The OIDC client oidc-provider should see for a FusionAuth application. */
function clientOf(app: Json, ngrokCallback: string | undefined): Record<string, unknown> | undefined {
  const o = app.oauthConfiguration ?? {};
  const urls: string[] = o.authorizedRedirectURLs ?? [];
  if (app.active === false) return undefined;
  const grants = (o.enabledGrants ?? []).filter((g: string) => g === 'authorization_code' || g === 'refresh_token');
  return {
    client_id: o.clientId, client_secret: o.clientSecret, client_name: app.name,
    grant_types: grants, response_types: grants.includes('authorization_code') ? ['code'] : [],
    redirect_uris: ngrokCallback && urls.includes(NGROK_CALLBACK) ? [...urls, ngrokCallback] : urls, token_endpoint_auth_method: 'client_secret_basic',
  };
}

export async function startFusionAuthApi(opts: StandInOptions = {}): Promise<StandIn> {
  const contract = loadContract();
  const tenants: Json[] = (opts.tenants ?? [{ name: 'Default', issuer: 'acme.com' }]).map((t) => ({ id: t.id ?? randomUUID(), name: t.name, issuer: t.issuer ?? 'acme.com', state: 'Active' }));
  const userSeed = opts.users ?? [{ email: 'alice@example.test', password: 'password' }, { email: 'bob@other.test', password: 'password' }];
  const users: Json[] = userSeed.map((u) => ({ id: randomUUID(), email: u.email, tenantId: tenants[u.tenant ?? 0]!.id, active: true, registrations: [] as Json[] }));
  const applications = new Map<string, Json>();
  const keys: ApiKey[] = opts.keys ?? [{ key: SUPER_KEY }];
  const violations: string[] = [];
  const calls: string[] = [];
  let url = '';

  const hooks = {
    onListen: (issuer: string) => { url = issuer; },
    handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
      if (!(req.url ?? '').startsWith('/api/')) return false;
      serve(req, res).catch((err: unknown) => {
        violations.push(`stand-in error: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return true;
    },
    findClient: (id: string) => { const app = applications.get(id); return app ? clientOf(app, opts.ngrokCallback) : undefined; },
    // Discovery serves the issuer of the tenant the application lives in (FusionAuth: per tenant); one tenant here.
    servedIssuer: () => String(tenants[0]!.issuer),
    refuseLogin(email: string, clientId: string): string | undefined {
      const app = applications.get(clientId);
      if (!app?.oauthConfiguration?.requireRegistration) return undefined;
      const user = users.find((u) => u.email === email);
      // FusionAuth's hosted login page says this for an unregistered user of such an application.
      return user?.registrations.some((r: Json) => r.applicationId === clientId) ? undefined : 'You are not authorized to make this request. Please contact your administrator for assistance.';
    },
  };
  const provider = await startFusionAuth({ users: userSeed.map(({ email, password }) => ({ email, password })), hooks });

  function send(res: http.ServerResponse, method: string, path: string, status: number, body?: unknown, check = true): void {
    if (body !== undefined && check) {
      const v = contract.response(method, path, status, body);
      if (v.length) violations.push(...v);
    }
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url!, 'http://x');
    const method = req.method ?? 'GET';
    const path = u.pathname;
    calls.push(`${method} ${path}`);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const forced = opts.override?.(method, path);
    if (forced?.delayMs) await new Promise((r) => setTimeout(r, forced.delayMs));
    if (forced?.status !== undefined) {
      const text = forced.body === undefined ? '' : JSON.stringify(forced.body);
      res.writeHead(forced.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...forced.headers });
      res.end(text);
      return;
    }
    if (opts.hugeBytes) {
      // Streamed without a length, as a proxy might: only a reader that counts bytes stops it.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < opts.hugeBytes && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      }
      res.end('{}');
      return;
    }
    const key = keys.find((k) => k.key === req.headers.authorization);
    // FusionAuth answers 401 with no body for a missing or wrong key and for a key lacking the endpoint.
    if (!key || !mayCall(key, method, path)) return send(res, method, path, 401);
    let body: unknown;
    try { body = await readJson(req); } catch { return send(res, method, path, 400, { generalErrors: [{ code: '[invalidJSON]', message: 'Invalid JSON in the request body.' }] }); }
    if (body !== undefined && !(method === 'GET' && path === '/api/tenant')) {
      const v = contract.request(method, path, body);
      if (v.length) {
        violations.push(...v);
        return send(res, method, path, 400, { generalErrors: v.map((message) => ({ code: '[OpenAPIContract]', message })) });
      }
    }
    const headerTenant = (req.headers['x-fusionauth-tenantid'] as string | undefined) ?? key.tenantId;
    const r = route(method, path, u, body as Json | undefined, headerTenant, key);
    // GET /api/tenant is not in the document (see docs/fusionauth-openapi/README.md): checked as TenantResponse.
    if (method === 'GET' && path === '/api/tenant' && r.status === 200) {
      const v = contract.response('GET', `/api/tenant/${tenants[0]!.id}`, 200, r.body);
      if (v.length) violations.push(...v);
      return send(res, method, path, r.status, r.body, false);
    }
    send(res, method, path, r.status, r.body);
  }

  function tenantScope(headerTenant: string | undefined): { tenantId?: string; error?: { status: number; body: Json } } {
    if (headerTenant) {
      return tenants.some((t) => t.id === headerTenant) ? { tenantId: headerTenant } : { error: { status: 400, body: fieldError('tenantId', '[invalid]tenantId', 'The tenant Id is not valid.') } };
    }
    if (tenants.length === 1) return { tenantId: tenants[0]!.id };
    return { error: { status: 400, body: { generalErrors: [{ code: '[TenantIdRequired]', message: 'A Tenant Id is required to complete this request. To complete this request, you must specify the tenant using the X-FusionAuth-TenantId HTTP request header.' }] } } };
  }

  function route(method: string, path: string, u: URL, body: Json | undefined, headerTenant: string | undefined, key: ApiKey): { status: number; body?: unknown } {
    const seg = path.split('/').filter(Boolean); // ['api', 'tenant', id?]
    const visibleTenants = key.tenantId ? tenants.filter((t) => t.id === key.tenantId) : tenants;
    if (seg[1] === 'tenant') {
      if (method === 'GET' && seg.length === 2) return { status: 200, body: { tenants: visibleTenants } };
      const t = visibleTenants.find((x) => x.id === seg[2]);
      if (!t) return { status: 404 };
      if (method === 'GET') return { status: 200, body: { tenant: t } };
      if (method === 'PATCH') {
        Object.assign(t, merge(t, body?.tenant ?? {}), { lastUpdateInstant: now() });
        return { status: 200, body: { tenant: t } };
      }
    }
    if (seg[1] === 'application') return applicationRoute(method, seg[2], body, headerTenant);
    if (seg[1] === 'user' && seg.length === 2 && method === 'GET') {
      const scope = tenantScope(headerTenant);
      if (scope.error) return scope.error;
      const email = u.searchParams.get('email') ?? '';
      const user = users.find((x) => x.email.toLowerCase() === email.toLowerCase() && x.tenantId === scope.tenantId);
      return user ? { status: 200, body: { user } } : { status: 404 };
    }
    if (seg[1] === 'user' && seg[2] === 'registration' && seg[3] && method === 'POST') return register(seg[3], body);
    return { status: 404 };
  }

  function applicationRoute(method: string, id: string | undefined, body: Json | undefined, headerTenant: string | undefined): { status: number; body?: unknown } {
    const scope = tenantScope(headerTenant);
    if (method === 'GET' && !id) {
      // Without a tenant header FusionAuth lists every tenant's applications.
      const list = [...applications.values()].filter((a) => !headerTenant || a.tenantId === headerTenant);
      return { status: 200, body: { applications: list } };
    }
    if (scope.error) return scope.error;
    const existing = id ? applications.get(id) : undefined;
    if (method === 'GET') return existing && existing.tenantId === scope.tenantId ? { status: 200, body: { application: existing } } : { status: 404 };
    const app = body?.application ?? {};
    if (method === 'POST') {
      if (existing) return { status: 400, body: fieldError('applicationId', '[duplicate]applicationId', 'An Application with Id [' + id + '] already exists.') };
      const problem = validateApplication(app);
      if (problem) return problem;
      const newId = id ?? randomUUID();
      const created = {
        ...app, id: newId, tenantId: scope.tenantId, active: true, state: 'Active', insertInstant: now(), lastUpdateInstant: now(),
        oauthConfiguration: { clientAuthenticationPolicy: 'Required', generateRefreshTokens: true, requireRegistration: false, ...app.oauthConfiguration, clientId: newId, clientSecret: randomBytes(32).toString('base64url') },
      };
      applications.set(newId, created);
      return { status: 200, body: { application: created } };
    }
    if (!existing || existing.tenantId !== scope.tenantId) return { status: 404 };
    if (method === 'PUT' || method === 'PATCH') {
      const next = method === 'PUT' ? { ...app } : merge(existing, app);
      const problem = validateApplication(next);
      if (problem) return problem;
      // FusionAuth keeps the ids and the secret unless asked to regenerate it.
      const updated = { ...next, id: existing.id, tenantId: existing.tenantId, insertInstant: existing.insertInstant, lastUpdateInstant: now(),
        oauthConfiguration: { ...next.oauthConfiguration, clientId: existing.id, clientSecret: next.oauthConfiguration?.clientSecret ?? existing.oauthConfiguration.clientSecret } };
      applications.set(existing.id, updated);
      return { status: 200, body: { application: updated } };
    }
    return { status: 404 };
  }

  function validateApplication(app: Json): { status: number; body: Json } | undefined {
    if (!String(app.name ?? '').trim()) return { status: 400, body: fieldError('application.name', '[blank]application.name', 'You must specify the [name] property.') };
    if (tenants.length && [...applications.values()].some((a) => a.name === app.name && a.id !== app.id)) {
      return { status: 400, body: fieldError('application.name', '[duplicate]application.name', 'An Application with name [' + app.name + '] already exists.') };
    }
    const o = app.oauthConfiguration ?? {};
    for (const g of o.enabledGrants ?? []) {
      if (!['authorization_code', 'implicit', 'password', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'].includes(g)) {
        return { status: 400, body: fieldError('application.oauthConfiguration.enabledGrants', '[invalid]application.oauthConfiguration.enabledGrants', `Invalid grant [${g}].`) };
      }
    }
    for (const r of o.authorizedRedirectURLs ?? []) {
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(r)) return { status: 400, body: fieldError('application.oauthConfiguration.authorizedRedirectURLs', '[invalid]application.oauthConfiguration.authorizedRedirectURLs', `The Authorized redirect URL [${r}] is not a valid URL.`) };
    }
    if ((o.enabledGrants ?? []).includes('authorization_code') && !(o.authorizedRedirectURLs ?? []).length) {
      return { status: 400, body: fieldError('application.oauthConfiguration.authorizedRedirectURLs', '[blank]application.oauthConfiguration.authorizedRedirectURLs', 'You must specify at least one Authorized redirect URL when the Authorization Code grant is enabled.') };
    }
    return undefined;
  }

  function register(userId: string, body: Json | undefined): { status: number; body?: unknown } {
    const user = users.find((x) => x.id === userId);
    if (!user) return { status: 404 };
    const applicationId = body?.registration?.applicationId;
    if (!applications.has(applicationId)) return { status: 400, body: fieldError('registration.applicationId', '[invalid]registration.applicationId', 'The Application Id is not valid.') };
    if (user.registrations.some((r: Json) => r.applicationId === applicationId)) return { status: 400, body: fieldError('registration.applicationId', '[duplicate]registration.applicationId', 'The user is already registered to this application.') };
    const registration = { id: randomUUID(), applicationId, insertInstant: now(), lastUpdateInstant: now(), verified: true };
    user.registrations.push(registration);
    return { status: 200, body: { registration, user } };
  }

  return {
    get url() { return url; }, provider, tenants, applications, users, keys, violations, calls, options: opts,
    close: () => provider.close(),
  };
}
