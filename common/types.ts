// pure: the shapes every part of Porthole shares (engine, CLI, preflight, settings, tray, renderer).
// No I/O, imports only from common/: main, preload and renderer may all import it.
import type { PortholeError } from './errors.js';

/** How a tunnel is protected. `oidc` is the default; `public` only on an explicit request. */
export type AuthMode = 'oidc' | 'oidc-legacy' | 'internal' | 'public';
export const AUTH_MODES: readonly AuthMode[] = ['oidc', 'oidc-legacy', 'internal', 'public'];

/** FusionAuth (OpenID Connect) settings for one tunnel. */
export interface FusionAuthSettings {
  /** The tenant issuer, e.g. `https://acme.fusionauth.io` (Tenants > Your Tenant > General > Issuer). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Exact emails allowed in; empty with empty allowDomains means any signed-in user. */
  allowEmails: string[];
  /** Email domains allowed in, without the `@`. */
  allowDomains: string[];
  /** Scopes beyond `openid` (e.g. `email`, `profile`). */
  scopes: string[];
}

/** One tunnel as the user describes it. */
export interface TunnelSpec {
  /** Unique, user-chosen: `[a-z0-9][a-z0-9-]*`. */
  name: string;
  /** Local target: a port (`3000`) or `host:port`. */
  target: string;
  mode: AuthMode;
  /** Required for `oidc` and `oidc-legacy`. */
  fusionauth?: FusionAuthSettings;
  /** Reserved ngrok domain, e.g. `demo.ngrok.app`. */
  domain?: string;
  /**
   * Record who visits (main/visits/): the tunnel forwards to a loopback recording proxy in front of
   * the app. Default true; false leaves nothing but the ngrok SDK in the data path.
   */
  record?: boolean;
  /**
   * 'rewrite': the app gets its own address as the Host header instead of the tunnel's name (dev
   * servers' host checks: Vite, webpack-dev-server, Angular). Absent: the Host as the visitor sent it.
   */
  hostHeader?: 'rewrite';
  /**
   * Share the URL with other agents' endpoints (ngrok's endpoint pooling): needs a reserved domain or
   * the `internal` mode. Visitors are spread over every agent in the pool.
   */
  pool?: boolean;
}

/** How Porthole reaches ngrok: one agent session per authtoken. */
export interface SessionSpec {
  authtoken: string;
  /** Custom agent ingress `host:port` (ngrok's `server_addr`). */
  serverAddr?: string;
  /** PEM text of the CA that signs the custom ingress (ngrok's `root_cas` / `session_ca_cert`). */
  caPem?: string;
}

export type TunnelStateKind = 'stopped' | 'starting' | 'online' | 'reconnecting' | 'error';
export type Protection = 'protected' | 'open' | 'unknown';

export type { PortholeError } from './errors.js';

/** A serializable snapshot of one tunnel, pushed to subscribers (tray, window, CLI). */
export interface TunnelView {
  name: string;
  state: TunnelStateKind;
  mode: AuthMode;
  target: string;
  url?: string;
  /** `error`: why it failed. `reconnecting`: why it is not back yet (e.g. NGROK_ENDPOINT_HELD), when known. */
  error?: PortholeError;
  protection?: Protection;
  protectionReason?: string;
  /** The URL is pooled: other agents may serve some of its visitors (TunnelSpec.pool). */
  pooled?: boolean;
  /** ms since epoch of the last state change. */
  since: number;
}

export type PreflightStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'manual';

/** One FusionAuth preflight check (see main/oidc/preflight.ts). */
export interface PreflightCheck {
  id: 'issuer-url' | 'discovery' | 'issuer-match' | 'grants' | 'scopes' | 'token-endpoint' | 'client-credentials' | 'redirect-uri';
  /**
   * `pass`, `warn` (passed with a caveat), `fail`; `skip`: not run because an earlier check failed;
   * `manual`: can't be checked from outside FusionAuth, the user does it by hand. Only `fail` makes `ok` false.
   */
  status: PreflightStatus;
  message: string;
  /** The fix, in FusionAuth's own words (which screen, which field). */
  fix?: string;
}
export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
}
/** What the preflight needs: the FusionAuth settings of one tunnel. */
export type PreflightInput = FusionAuthSettings;
/** Port: runs the FusionAuth preflight. Never throws; never puts a secret in a message. */
export type RunPreflight = (input: PreflightInput) => Promise<PreflightReport>;

export interface ProtectionResult {
  protection: Protection;
  reason: string;
}
/**
 * Port: requests a tunnel's public URL with no cookies and says whether it is protected. `headers`
 * go with the request (the recording proxy's per-run probe marker, so the check is not a visitor).
 */
export type VerifyProtection = (url: string, spec: TunnelSpec, opts?: { headers?: Record<string, string> }) => Promise<ProtectionResult>;
