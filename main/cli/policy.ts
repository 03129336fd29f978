// shell: `porthole policy` — prints, as YAML, the Traffic Policy that `share` would attach, to paste
// into the ngrok dashboard or pass to `ngrok http --traffic-policy-file`. The client secret is an ngrok
// vault reference unless --inline-secret asks for the real one.
import { policyYaml, VAULT_NAME, VAULT_SECRET_NAME, VAULT_SECRET_REF } from '../tunnel/policy.js';
import { parsePolicyArgs, TUNNEL_FLAGS_USAGE, UsageError, type CliIo } from './args.js';

export const POLICY_USAGE = `Usage: porthole policy <port|host:port> [flags]

Prints the Traffic Policy (YAML) that "porthole share" would attach with the same flags.
The client secret is not printed: the policy reads it from the ngrok vault "${VAULT_NAME}", secret
"${VAULT_SECRET_NAME}" (the YAML's header says how to create it), so the output is safe to save
and share, and the --client-secret-* flags are optional.

${TUNNEL_FLAGS_USAGE}
  --inline-secret             print the real client secret instead (keep that output private)

Exit 0 on success, 2 for bad arguments.`;

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
  if (args.inlineSecret && fa) {
    io.stderr('warning: --inline-secret: the output holds the FusionAuth client secret in plain text. Keep it out of files others can read and out of version control; without --inline-secret the policy reads it from an ngrok vault instead.\n');
    io.stdout(policyYaml(args.spec, { secret: fa.clientSecret }));
  } else {
    io.stdout(policyYaml(args.spec));
  }
  return 0;
}
