// shell: `porthole policy` — prints, as YAML, the Traffic Policy that `share` would attach, to paste
// into the ngrok dashboard or pass to `ngrok http --traffic-policy-file`. The client secret is an ngrok
// vault reference unless --inline-secret asks for the real one.
import type { TunnelSpec } from '../../common/types.js';
import { forwardConfigFor, ngrokCommandFor } from '../tunnel/forward-config.js';
import { policyYaml, VAULT_NAME, VAULT_SECRET_NAME, VAULT_SECRET_REF } from '../tunnel/policy.js';
import { toYaml } from '../tunnel/yaml.js';
import { policyArgsFrom } from './args.js';
import { runCommand, type CliIo } from './command.js';

/** The placeholder for the client secret in the oidc-legacy output: the agent option takes no vault reference. */
const SECRET_NOT_PRINTED = '<not printed: the secret from --client-secret-file / --client-secret-env>';

/**
 * oidc-legacy: the agent's oidc_* options `share` really sends (forward-config.ts), as YAML. They take
 * the secret itself, not a vault reference, so it is left out unless `secret` is given.
 */
function legacyOptionsYaml(spec: TunnelSpec, secret?: string): string {
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
export function policyCommand(argv: string[], io: CliIo): Promise<number> {
  return runCommand({ name: 'policy', run: async (parsed) => printPolicy(await policyArgsFrom(parsed, io.env, VAULT_SECRET_REF), io) }, argv, io);
}

function printPolicy(args: Awaited<ReturnType<typeof policyArgsFrom>>, io: CliIo): number {
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
