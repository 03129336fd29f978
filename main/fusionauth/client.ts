// adapter: the only importer of FusionAuth's official `@fusionauth/typescript-client`. Its typed
// methods build the requests (paths, headers, bodies as in docs/fusionauth-openapi/fusionauth-openapi.yaml);
// the transport under them is ours, because the library's own (node-fetch, no timeout, `response.json()`
// on any size) can neither bound a wait nor a response. Every failure comes back as data, never thrown.
import { FusionAuthClient } from '@fusionauth/typescript-client';
import type { Application, ApplicationRequest, Tenant, User, UserRegistration } from '@fusionauth/typescript-client';
import type * as CR from '@fusionauth/typescript-client/build/src/ClientResponse.js';
import type * as RC from '@fusionauth/typescript-client/build/src/IRESTClient.js';
import type * as RCB from '@fusionauth/typescript-client/build/src/IRESTClientBuilder.js';
import type { ZodType } from 'zod';
import { fusionAuthError, type FusionAuthError, type Result as OneResult } from '../../common/errors.js';
import { ANSWERS, firstMismatch } from './answers.js';
import { describeFailure, endpointOf, type Failure } from './errors.js';

export type { Application, Tenant, User, UserRegistration } from '@fusionauth/typescript-client';
export type { FusionAuthError } from '../../common/errors.js';

// The package's index doesn't re-export these defaults; its CommonJS typings name them `default`.
type ClientResponse<T> = CR.default<T>;
type IRESTClient<RT, ERT> = RC.default<RT, ERT>;
type IRESTClientBuilder = RCB.default;

/** The one Result (common/errors.ts), failing with a FusionAuthError. */
export type Result<T> = OneResult<T, FusionAuthError>;

interface ClientOptions {
  /** The FusionAuth base URL, e.g. https://acme.fusionauth.io. */
  url: string;
  apiKey: string;
  /** Sent as X-FusionAuth-TenantId (needed when several tenants exist). */
  tenantId?: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 4 MiB (a big instance's application list fits). */
  maxBytes?: number;
}

/** Reads a body up to `max` bytes; a longer one is cut off and reported, never buffered whole. */
async function readBounded(res: Response, max: number): Promise<string | { tooLarge: true }> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => {});
    return { tooLarge: true };
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The transport the FusionAuth client builds each request on: fetch with a deadline and a size cap. */
class BoundedRESTClient implements IRESTClient<unknown, unknown> {
  private uri = '';
  private method = 'GET';
  private body: string | undefined;
  private readonly headers: Record<string, string> = {};
  private readonly params: [string, string][] = [];

  constructor(private readonly host: string, private readonly timeoutMs: number, private readonly maxBytes: number) {}

  withAuthorization(key: string) { if (key != null) this.headers.Authorization = key; return this; }
  withUriSegment(segment: string | number) {
    if (segment == null) return this;
    this.uri = `${this.uri.replace(/\/$/, '')}/${encodeURIComponent(String(segment))}`;
    return this;
  }
  withFormData(): this { throw new Error('form requests are not used by Porthole'); }
  withHeader(key: string, value: string) { this.headers[key] = value; return this; }
  withJSONBody(body: object) { this.body = JSON.stringify(body); this.headers['Content-Type'] = 'application/json'; return this; }
  withMethod(method: string) { this.method = method; return this; }
  withUri(uri: string) { this.uri = uri; return this; }
  withParameter(name: string, value: unknown) {
    for (const v of Array.isArray(value) ? value : [value]) if (v != null) this.params.push([name, String(v)]);
    return this;
  }
  withCredentials() { return this; }
  withResponseHandler() { return this; }
  withErrorResponseHandler() { return this; }

  /** Resolves with the parsed JSON on 2xx; rejects with a ClientResponse whose `exception` is a Failure. */
  async go(): Promise<ClientResponse<unknown>> {
    const query = this.params.length ? `?${new URLSearchParams(this.params)}` : '';
    const where = { method: this.method, path: this.uri };
    // Shaped like the library's own ClientResponse (its class is not exported by the package's index).
    const fail = (failure: Failure): never => {
      throw { statusCode: failure.kind === 'http' ? failure.status : 0, exception: failure };
    };
    let res: Response;
    try {
      res = await fetch(`${this.host}${this.uri}${query}`, {
        method: this.method, headers: this.headers, body: this.body, redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return fail({ kind: 'transport', ...where, error: err, timeoutMs: this.timeoutMs });
    }
    // Never followed, same origin included: the API key goes to the one address given, once.
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      return fail({ kind: 'redirect', ...where, status: res.status, ...(res.headers.get('location') ? { location: res.headers.get('location')! } : {}) });
    }
    let text: string | { tooLarge: true };
    try {
      text = await readBounded(res, this.maxBytes);
    } catch (err) {
      return fail({ kind: 'transport', ...where, error: err, timeoutMs: this.timeoutMs });
    }
    if (typeof text !== 'string') return fail({ kind: 'too-large', ...where, maxBytes: this.maxBytes });
    let json: unknown;
    if (text.length) {
      try { json = JSON.parse(text); } catch { if (res.ok) return fail({ kind: 'not-json', ...where, status: res.status }); }
    }
    if (!res.ok) return fail({ kind: 'http', ...where, status: res.status, body: json });
    return { statusCode: res.status, response: json } as ClientResponse<unknown>;
  }
}

/** The calls Porthole's set-up makes, each returning data. */
export interface FusionAuthApi {
  listTenants(): Promise<Result<Tenant[]>>;
  listApplications(): Promise<Result<Application[]>>;
  getApplication(id: string): Promise<Result<Application | undefined>>;
  createApplication(id: string, application: Application): Promise<Result<Application>>;
  updateApplication(id: string, application: Application): Promise<Result<Application>>;
  setTenantIssuer(tenantId: string, issuer: string): Promise<Result<Tenant>>;
  userByEmail(email: string): Promise<Result<User | undefined>>;
  register(userId: string, registration: UserRegistration): Promise<Result<UserRegistration>>;
  /** Sends X-FusionAuth-TenantId from now on. */
  useTenant(tenantId: string): void;
}

export function createFusionAuthApi(opts: ClientOptions): FusionAuthApi {
  const host = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  const fa = new FusionAuthClient(opts.apiKey, host, opts.tenantId);
  const builder: IRESTClientBuilder = { build: <RT, ERT>(h: string) => new BoundedRESTClient(h, timeoutMs, maxBytes) as unknown as IRESTClient<RT, ERT> };
  fa.clientBuilder = builder;
  // A 401 after an accepted call can only mean this key lacks that endpoint's permission.
  let accepted = false;
  const secrets = [opts.apiKey];

  /** One call: its answer checked against the API's shape (`answer`), then `pick`ed; failures as data. */
  async function call<R, T>(name: string, run: () => Promise<ClientResponse<R>>, answer: ZodType, pick: (r: R) => T, notFound?: T): Promise<Result<T>> {
    let response: unknown;
    try {
      response = (await run()).response;
      accepted = true;
    } catch (err) {
      const failure = (err as ClientResponse<unknown>)?.exception as unknown as Failure | undefined;
      if (!failure || typeof failure !== 'object' || !('kind' in failure)) return { ok: false, error: fusionAuthError('FUSIONAUTH_FAILED') };
      if (failure.kind === 'http' && failure.status === 404 && notFound !== undefined) return { ok: true, value: notFound };
      return { ok: false, error: describeFailure(failure, { host, accepted, secrets }) };
    }
    const checked = answer.safeParse(response);
    if (!checked.success) {
      const [method, path] = name.split(' ') as [string, string];
      return { ok: false, error: describeFailure({ kind: 'shape', method, path: endpointOf(path), ...firstMismatch(checked.error) }, { host, accepted, secrets }) };
    }
    return { ok: true, value: pick(checked.data as R) };
  }
  const NONE = null as unknown as undefined; // "not found" is a value for lookups, not an error

  return {
    listTenants: () => call('GET /api/tenant', () => fa.retrieveTenants(), ANSWERS.tenants, (r) => r.tenants ?? []),
    listApplications: () => call('GET /api/application', () => fa.retrieveApplications(), ANSWERS.applications, (r) => r.applications ?? []),
    getApplication: async (id) => {
      const r = await call('GET /api/application', () => fa.retrieveApplication(id), ANSWERS.application, (x) => x.application, NONE);
      return r.ok ? { ok: true, value: r.value ?? undefined } : r;
    },
    createApplication: (id, application) => call('POST /api/application', () => fa.createApplication(id, { application } satisfies ApplicationRequest), ANSWERS.application, (r) => r.application!),
    updateApplication: (id, application) => call('PUT /api/application', () => fa.updateApplication(id, { application }), ANSWERS.application, (r) => r.application!),
    setTenantIssuer: (tenantId, issuer) => call('PATCH /api/tenant', () => fa.patchTenant(tenantId, { tenant: { issuer } }), ANSWERS.tenant, (r) => r.tenant!),
    userByEmail: async (email) => {
      const r = await call('GET /api/user', () => fa.retrieveUserByEmail(email), ANSWERS.user, (x) => x.user, NONE);
      return r.ok ? { ok: true, value: r.value ?? undefined } : r;
    },
    register: (userId, registration) => call('POST /api/user/registration', () => fa.register(userId, { registration }), ANSWERS.registration, (r) => r.registration!),
    useTenant: (tenantId) => void fa.setTenantId(tenantId),
  };
}
