// shell: `porthole policy` — prints, as YAML, the Traffic Policy that `share` would attach, to paste
// into the ngrok dashboard or pass to `ngrok http --traffic-policy-file`. The client secret is an ngrok
// vault reference unless --inline-secret asks for the real one.
import type { TunnelSpec } from '../../common/types.js';
import { forwardConfigFor, ngrokCommandFor } from '../tunnel/forward-config.js';
import { policyYaml, VAULT_NAME, VAULT_SECRET_NAME, VAULT_SECRET_REF } from '../tunnel/policy.js';
import { toYaml } from '../tunnel/yaml.js';
import { parsePolicyArgs, TUNNEL_FLAGS_USAGE, UsageError, type CliIo } from './args.js';

export const POLICY_USAGE = `Usage: porthole policy <port|host:port> [flags]

Prints the Traffic Policy (YAML) that "porthole share" would attach with the same flags.
The client secret is not printed: the policy reads it from the ngrok vault "${VAULT_NAME}", secret
"${VAULT_SECRET_NAME}" (the YAML's header says how to create it), so the output is safe to save
and share, and the --client-secret-* flags are optional.

${TUNNEL_FLAGS_USAGE}
  --inline-secret             print the real client secret instead (keep that output private)

In the oidc-legacy mode "share" attaches no Traffic Policy: it passes the agent's oidc_* options,
and that is what is printed (YAML, with the equivalent ngrok command in its header).

Exit 0 on success, 2 for bad arguments.`;

/** The placeholder for the client secret in the oidc-legacy output: the agent option takes no vault reference. */
const SECRET_NOT_PRINTED = '<not printed: the secret from --client-secret-file / --client-secret-env>';

/**
 * oidc-legacy: the agent's oidc_* options `share` really sends (forward-config.ts), as YAML. They take
 * the secret itself, not a vault reference, so it is left out unless `secret` is given.
 */
export function legacyOptionsYaml(spec: TunnelSpec, secret?: string): string {
  const fa = spec.fusionauth!;
  const cfg = forwardConfigFor({ ...spec, fusionauth: { ...fa, clientSecret: secret ?? SECRET_NOT_PRINTED } });
  const options = Object.fromEntries(Object.entries(cfg).filter(([k]) => k.startsWith('oidc_')));
  const head = [
    `# Tunnel "${spec.name}" in the oidc-legacy mode attaches no Traffic Policy: "porthole share" passes`,
    "# the ngrok agent's oidc_* options below instead (ngrok's older OAuth module). The same with the ngrok CLI:",
    ...ngrokCommandFor(spec).split('\n').map((l) => `#   ${l}`),
    '# For a Traffic Policy, use --mode oidc.',
  ];
  return `${head.join('\n')}\n${toYaml(options, { lineWidth: 0 })}`;
}

/** `porthole policy …`: 0, or 2 for bad arguments. */
export async function policyCommand(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = await parsePolicyArgs(argv, io.env, VAULT_SECRET_REF);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`porthole policy: ${err.message}\n\nRun "porthole policy --help" for the flags.\n`);
    return 2;
  }
  if (!args) {
    io.stdout(`${POLICY_USAGE}\n`);
    return 0;
  }
  const fa = args.spec.fusionauth;
  if (args.spec.mode === 'oidc-legacy' && fa) {
    if (args.inlineSecret) io.stderr('warning: --inline-secret: the output holds the FusionAuth client secret in plain text. Keep it out of files others can read and out of version control.\n');
    io.stdout(legacyOptionsYaml(args.spec, args.inlineSecret ? fa.clientSecret : undefined));
  } else if (args.inlineSecret && fa) {
    io.stderr('warning: --inline-secret: the output holds the FusionAuth client secret in plain text. Keep it out of files others can read and out of version control; without --inline-secret the policy reads it from an ngrok vault instead.\n');
    io.stdout(policyYaml(args.spec, { secret: fa.clientSecret }));
  } else {
    io.stdout(policyYaml(args.spec));
  }
  return 0;
}
