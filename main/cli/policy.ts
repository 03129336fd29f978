// shell: `porthole policy` — prints, as YAML, the Traffic Policy that `share` would attach, to paste
// into the ngrok dashboard or pass to `ngrok http --traffic-policy-file`.
import { policyYaml } from '../tunnel/policy.js';
import { parsePolicyArgs, TUNNEL_FLAGS_USAGE, UsageError, type CliIo } from './args.js';

export const POLICY_USAGE = `Usage: porthole policy <port|host:port> [flags]

Prints the Traffic Policy (YAML) that "porthole share" would attach with the same flags. It holds
the client secret: write it to a file only you can read.

${TUNNEL_FLAGS_USAGE}

Exit 0 on success, 2 for bad arguments.`;

/** `porthole policy …`: 0, or 2 for bad arguments. */
export async function policyCommand(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = await parsePolicyArgs(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`porthole policy: ${err.message}\n\nRun "porthole policy --help" for the flags.\n`);
    return 2;
  }
  if (!args) {
    io.stdout(`${POLICY_USAGE}\n`);
    return 0;
  }
  io.stdout(policyYaml(args.spec));
  return 0;
}
