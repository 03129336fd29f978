// pure: a tunnel's settings → the ngrok listener config, as data (keys of @ngrok/ngrok's `Config`),
// and the equivalent `ngrok` command line for "Copy as ngrok command". Types only from the SDK.
import type { Config } from '@ngrok/ngrok';
import { toYaml } from './yaml.js';
import type { SessionSpec, TunnelSpec } from '../../common/types.js';
import { identityHeadersOnlyPolicy, internalUrlFor, scopesFor, trafficPolicyFor, VAULT_HOWTO, VAULT_SECRET_REF, wantsIdentity } from './policy.js';

/** The listener half of ngrok's Config that Porthole sets. */
export type ListenerConfig = Pick<
  Config,
  | 'addr'
  | 'domain'
  | 'binding'
  | 'traffic_policy'
  | 'oidc_issuer_url'
  | 'oidc_client_id'
  | 'oidc_client_secret'
  | 'oidc_allow_emails'
  | 'oidc_allow_domains'
  | 'oidc_scopes'
> & {
  addr: string;
  /**
   * Endpoint pooling (the builders' `poolingEnabled`; the wire's Extra.PoolingEnabled). Not in the SDK's
   * `Config` typings, and `forward()` 1.7.0 does not send it: main/tunnel/ngrok.ts sets it on the builder.
   */
  pooling_enabled?: boolean;
  /**
   * Not an SDK key: the values in this config no message may show (the client secret), handed to
   * main/tunnel/ngrok.ts with it, which scrubs them from the SDK's errors and sets nothing from them.
   */
  secrets?: string[];
};

/** The session half of ngrok's Config (used as-is by a raw `forward()`, e.g. in the benchmark). */
type SessionConfig = Pick<Config, 'authtoken' | 'server_addr' | 'session_ca_cert'>;

/** The URL the agent forwards to: a bare port means localhost. */
export function upstreamUrlFor(target: string): string {
  return /^\d+$/.test(target) ? `http://localhost:${target}` : `http://${target}`;
}

/** The internal hostname of a tunnel in the `internal` mode (its own `.internal` domain if it has one). */
function internalDomainFor(spec: TunnelSpec): string {
  return spec.domain?.endsWith('.internal') ? spec.domain : new URL(internalUrlFor(spec.name)).hostname;
}

/** The domain the tunnel binds (its reserved domain, or its `.internal` one), if any: what ngrok pools and holds. */
export function boundDomainOf(spec: TunnelSpec): string | undefined {
  return spec.mode === 'internal' ? internalDomainFor(spec) : spec.domain;
}

/**
 * The listener config for each mode: `oidc` → a traffic_policy JSON string; `oidc-legacy` → the
 * agent's oidc_* options; `internal` → binding 'internal' on `<name>.internal`; `public` → nothing.
 * `public` and `oidc-legacy` also get a policy that only removes visitors' identity headers: nobody
 * signs them in, so no X-Forwarded-Email may reach the app. `upstream` replaces the app's URL (the
 * recording proxy's, main/visits/proxy.ts); `proof` is the per-run value the policy adds after the
 * sign-in so that proxy can tell ngrok's identity headers from anyone else's.
 */
export function forwardConfigFor(spec: TunnelSpec, upstream?: string, opts: { proof?: string } = {}): ListenerConfig {
  const cfg: ListenerConfig = { addr: upstream ?? upstreamUrlFor(spec.target) };
  if (spec.domain && spec.mode !== 'internal') cfg.domain = spec.domain;
  const fa = spec.fusionauth;
  if (fa?.clientSecret && (spec.mode === 'oidc' || spec.mode === 'oidc-legacy')) cfg.secrets = [fa.clientSecret];
  switch (spec.mode) {
    case 'oidc':
      if (!fa) throw new Error('oidc mode needs FusionAuth settings (validate first)');
      cfg.traffic_policy = JSON.stringify(trafficPolicyFor(fa, { identity: wantsIdentity(spec), ...(opts.proof ? { proof: opts.proof } : {}) }));
      break;
    case 'oidc-legacy':
      if (!fa) throw new Error('oidc-legacy mode needs FusionAuth settings (validate first)');
      cfg.oidc_issuer_url = fa.issuer;
      cfg.oidc_client_id = fa.clientId;
      cfg.oidc_client_secret = fa.clientSecret;
      if (fa.allowEmails.length) cfg.oidc_allow_emails = [...fa.allowEmails];
      if (fa.allowDomains.length) cfg.oidc_allow_domains = [...fa.allowDomains];
      cfg.oidc_scopes = scopesFor(fa);
      cfg.traffic_policy = JSON.stringify(identityHeadersOnlyPolicy());
      break;
    case 'internal':
      cfg.binding = 'internal';
      cfg.domain = internalDomainFor(spec);
      break;
    case 'public':
      cfg.traffic_policy = JSON.stringify(identityHeadersOnlyPolicy());
      break;
  }
  if (spec.pool) cfg.pooling_enabled = true;
  return cfg;
}

/** The session options of a SessionSpec in `Config` keys. */
export function sessionConfigFor(session: SessionSpec): SessionConfig {
  const cfg: SessionConfig = { authtoken: session.authtoken };
  if (session.serverAddr) cfg.server_addr = session.serverAddr;
  if (session.caPem) cfg.session_ca_cert = session.caPem;
  return cfg;
}

/**
 * Quotes a word for a POSIX shell when it needs it. A `!` is left outside the single quotes and
 * backslashed, so neither bash's nor zsh's interactive history expansion can touch it.
 */
function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`).replace(/!/g, `'\\!'`)}'`;
}

/** The environment variable the generated ngrok command reads the client secret from. */
const SECRET_VAR = 'FUSIONAUTH_CLIENT_SECRET';
/** The here-document delimiter of the generated command (no YAML line can equal it). */
const HEREDOC_END = 'PORTHOLE_POLICY';

/**
 * The ngrok agent command that opens the same endpoint. The client secret never appears: it is
 * read from $FUSIONAUTH_CLIENT_SECRET. For `oidc`, the policy file is written first (a heredoc).
 */
export function ngrokCommandFor(spec: TunnelSpec): string {
  const port = /^\d+$/.test(spec.target) ? spec.target : upstreamUrlFor(spec.target);
  const args = ['ngrok', 'http', port];
  if (spec.mode === 'internal') args.push('--url', `https://${internalDomainFor(spec)}`);
  else if (spec.domain) args.push('--url', `https://${spec.domain}`);
  if (spec.hostHeader === 'rewrite') args.push('--host-header=rewrite');
  if (spec.pool) args.push('--pooling-enabled');
  const fa = spec.fusionauth;
  if (spec.mode === 'oidc-legacy' && fa) {
    args.push(`--oidc=${shellQuote(fa.issuer)}`, `--oidc-client-id=${shellQuote(fa.clientId)}`, `--oidc-client-secret="$${SECRET_VAR}"`);
    for (const e of fa.allowEmails) args.push(`--oidc-allow-email=${shellQuote(e)}`);
    for (const d of fa.allowDomains) args.push(`--oidc-allow-domain=${shellQuote(d)}`);
    for (const s of scopesFor(fa)) args.push(`--oidc-scope=${shellQuote(s)}`);
  }
  if (spec.mode === 'oidc' && fa) {
    // The policy file reads the client secret from an ngrok vault, so the file holds no secret.
    const file = `porthole-${spec.name}.policy.yml`;
    args.push('--traffic-policy-file', file);
    return `cat > ${file} <<'${HEREDOC_END}'\n${policyHeredocBody(spec.name, trafficPolicyFor({ ...fa, clientSecret: VAULT_SECRET_REF }, { identity: wantsIdentity(spec) }))}${HEREDOC_END}\n${args.join(' ')}`;
  }
  return args.join(' ');
}

/**
 * The policy as the body of a QUOTED here-document: the shell expands nothing in it. Every string
 * is a YAML double-quoted scalar and each `!` (the deny rule starts with one) is written as YAML's
 * `\x21` escape, because an interactive shell's history expansion may reach here-document lines too
 * (shells and versions differ).
 */
function policyHeredocBody(name: string, policy: ReturnType<typeof trafficPolicyFor>): string {
  const head = `# Traffic Policy for tunnel "${name}", written by Porthole's "Copy as ngrok command".\n${VAULT_HOWTO}\n`;
  return `${head}${toYaml(policy, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })}`.replace(/!/g, '\\x21');
}
