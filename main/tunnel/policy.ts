// pure: the ngrok Traffic Policy generated from a tunnel's FusionAuth settings (never typed by hand),
// and its YAML form for `porthole policy` / "Copy traffic policy" (the client secret as a vault reference).
import { toYaml } from './yaml.js';
import { IDENTITY_HEADERS, ownedHeaderSpellings, PROOF_HEADER } from './identity-headers.js';
import type { FusionAuthSettings, TunnelSpec } from '../../common/types.js';
import { INTERNAL_POLICY_NO_SIGN_IN } from '../../common/view-rules.js';

/**
 * Where ngrok's edge sends a visitor back after the FusionAuth sign-in, for every OpenID Connect
 * endpoint: the one Authorized redirect URL the FusionAuth application needs.
 */
export const NGROK_REDIRECT_URL = 'https://idp.ngrok.com/oauth2/callback';

/** The ngrok vault and secret the printed policy reads the client secret from. */
export const VAULT_NAME = 'porthole';
export const VAULT_SECRET_NAME = 'fusionauth_client_secret';
/**
 * The client secret as a reference to an ngrok vault secret (https://ngrok.com/docs/traffic-policy/secrets):
 * ngrok fills it in at runtime, so a policy file or clipboard holds no secret.
 */
export const VAULT_SECRET_REF = `\${secrets.get('${VAULT_NAME}', '${VAULT_SECRET_NAME}')}`;

/** YAML comment lines saying how to create the vault secret VAULT_SECRET_REF reads. */
export const VAULT_HOWTO = [
  `# The client secret is not in this file: ngrok reads it from the vault "${VAULT_NAME}"`,
  '# (https://ngrok.com/docs/traffic-policy/secrets). Create it once with the ngrok CLI:',
  `#   ngrok api vaults create --name ${VAULT_NAME}`,
  `#   ngrok api secrets create --vault-id <the "id" printed above> --name ${VAULT_SECRET_NAME} --value "$FUSIONAUTH_CLIENT_SECRET"`,
  "# ($FUSIONAUTH_CLIENT_SECRET holding FusionAuth's Applications > Your App > OAuth > Client secret.)",
].join('\n');

/** One rule of a Traffic Policy phase. */
interface PolicyRule {
  expressions?: string[];
  actions: { type: string; config?: Record<string, unknown> }[];
}
/** The subset of ngrok's Traffic Policy document Porthole writes. */
interface TrafficPolicy {
  on_http_request: PolicyRule[];
}

/** The CEL variable ngrok's openid-connect action fills with the signed-in user's email. */
const OIDC_EMAIL = 'actions.ngrok.oidc.identity.email';

/** The CEL variable ngrok's openid-connect action fills with the signed-in user's name. */
const OIDC_NAME = 'actions.ngrok.oidc.identity.name';

/**
 * The `remove-headers` action that drops every header Porthole owns, in every spelling a framework
 * could read as it (main/tunnel/identity-headers.ts): a visitor's copies never reach the app, in any mode.
 */
function removeIdentityHeaders(): PolicyRule['actions'][number] {
  return { type: 'remove-headers', config: { headers: ownedHeaderSpellings() } };
}

/**
 * The `add-headers` action that passes the signed-in identity on; only valid after `openid-connect`.
 * `proof` (a random value per run) tells the recording proxy that ngrok's edge set them.
 */
function addIdentityHeaders(proof?: string): PolicyRule['actions'][number] {
  const headers: Record<string, string> = { [IDENTITY_HEADERS.email]: `\${${OIDC_EMAIL}}`, [IDENTITY_HEADERS.user]: `\${${OIDC_NAME}}` };
  if (proof) headers[PROOF_HEADER] = proof;
  return { type: 'add-headers', config: { headers } };
}

/** A policy that only strips forged identity headers: for modes without Porthole's sign-in. */
export function identityHeadersOnlyPolicy(): TrafficPolicy {
  return { on_http_request: [{ actions: [removeIdentityHeaders()] }] };
}

/** A CEL string literal: single-quoted, with backslashes and quotes escaped. */
export function celString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** The scopes a visitor's identity needs: the email and name the identity headers (X-Forwarded-Email/-User) carry. */
const IDENTITY_SCOPES = ['email', 'profile'] as const;

/** Whether a tunnel records its visitors (main/visits/): on unless switched off. */
export function recordsVisits(spec: Pick<TunnelSpec, 'record'>): boolean {
  return spec.record !== false;
}

/**
 * Whether the tunnel's policy should ask for the visitor's identity: in the `oidc` mode while
 * recording, so the identity headers (and the visitor list) have an email and a name to carry.
 */
export function wantsIdentity(spec: Pick<TunnelSpec, 'mode' | 'record'>): boolean {
  return spec.mode === 'oidc' && recordsVisits(spec);
}

/**
 * The scopes the openid-connect action requests: openid, email when an allow-list is set, email and
 * profile when the identity is wanted (wantsIdentity), then the user's, de-duplicated.
 */
export function scopesFor(fa: Pick<FusionAuthSettings, 'scopes' | 'allowEmails' | 'allowDomains'>, opts: { identity?: boolean } = {}): string[] {
  const allowList = fa.allowEmails.length > 0 || fa.allowDomains.length > 0;
  return [...new Set(['openid', ...(allowList ? ['email'] : []), ...(opts.identity ? IDENTITY_SCOPES : []), ...fa.scopes])];
}

/** The deny expression for everyone outside the allow-list, or undefined when anyone signed in may enter. */
export function denyExpression(fa: FusionAuthSettings): string | undefined {
  const terms: string[] = [];
  if (fa.allowEmails.length) terms.push(`${OIDC_EMAIL} in [${fa.allowEmails.map(celString).join(', ')}]`);
  for (const d of fa.allowDomains) terms.push(`${OIDC_EMAIL}.endsWith(${celString(`@${d}`)})`);
  return terms.length ? `!(${terms.join(' || ')})` : undefined;
}

/**
 * The Traffic Policy for the `oidc` mode: an `openid-connect` action with the FusionAuth issuer and
 * client, then, when emails or domains are allowed, a 403 `deny` for everyone else.
 * Around the sign-in, forged identity headers are removed and the signed-in identity's are added;
 * `identity` also requests the scopes that identity needs (wantsIdentity).
 */
export function trafficPolicyFor(fa: FusionAuthSettings, opts: { identity?: boolean; proof?: string } = {}): TrafficPolicy {
  const rules: PolicyRule[] = [
    {
      actions: [
        removeIdentityHeaders(),
        {
          type: 'openid-connect',
          config: { issuer_url: fa.issuer, client_id: fa.clientId, client_secret: fa.clientSecret, scopes: scopesFor(fa, opts) },
        },
        addIdentityHeaders(opts.proof),
      ],
    },
  ];
  const deny = denyExpression(fa);
  if (deny) rules.push({ expressions: [deny], actions: [{ type: 'deny', config: { status_code: 403 } }] });
  return { on_http_request: rules };
}

/** The internal endpoint URL a Cloud Endpoint forwards to in the `internal` mode. */
export function internalUrlFor(name: string): string {
  return `https://${name}.internal`;
}

/**
 * The policy `porthole policy` prints for a tunnel, as YAML:
 * oidc / oidc-legacy → the endpoint's policy; internal → the Cloud Endpoint's policy (OIDC, then
 * forward-internal to the agent's internal URL); public → an empty policy.
 * The client secret is VAULT_SECRET_REF unless `secret` says otherwise (the real secret, or a
 * placeholder such as "${FUSIONAUTH_CLIENT_SECRET}"); with the vault form a header says how to create it.
 */
export function policyYaml(spec: TunnelSpec, opts: { secret?: string } = {}): string {
  const secret = opts.secret ?? VAULT_SECRET_REF;
  const fa = spec.fusionauth ? { ...spec.fusionauth, clientSecret: secret } : undefined;
  let head: string;
  let policy: TrafficPolicy;
  switch (spec.mode) {
    case 'oidc':
    case 'oidc-legacy':
      head = `# Traffic Policy for tunnel "${spec.name}": FusionAuth sign-in in front of it.\n`;
      policy = fa ? trafficPolicyFor(fa, { identity: wantsIdentity(spec) }) : { on_http_request: [] };
      break;
    case 'internal': {
      const signsIn = Boolean(fa && fa.issuer && fa.clientId);
      head = `# Traffic Policy for the Cloud Endpoint in front of "${spec.name}" (ngrok dashboard > Endpoints).\n`
        + (signsIn ? `# The agent serves ${internalUrlFor(spec.name)}; this policy signs users in, then forwards to it.\n`
          : `# The agent serves ${internalUrlFor(spec.name)}; this policy only forwards to it.\n${INTERNAL_POLICY_NO_SIGN_IN.map((l) => `# ${l}\n`).join('')}`);
      policy = signsIn ? trafficPolicyFor(fa!) : identityHeadersOnlyPolicy();
      policy.on_http_request.push({ actions: [{ type: 'forward-internal', config: { url: internalUrlFor(spec.name) } }] });
      break;
    }
    case 'public':
      head = `# Tunnel "${spec.name}" is public: no policy, anyone with the URL gets in.\n`;
      policy = { on_http_request: [] };
      break;
  }
  const usesVault = secret === VAULT_SECRET_REF && policy.on_http_request.some((r) => r.actions.some((a) => a.type === 'openid-connect'));
  return head + (usesVault ? `${VAULT_HOWTO}\n` : '') + toYaml(policy, { lineWidth: 0 });
}
