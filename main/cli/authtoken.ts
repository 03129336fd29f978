// shell: where `porthole share` finds the ngrok authtoken — the same places the settings window's
// import looks (NGROK_AUTHTOKEN, then the ngrok agent's config file at its per-OS path), so a user
// who already ran `ngrok config add-authtoken` needs nothing more. The config reader (and its YAML
// parser) loads only when the environment has no token: most runs reach ngrok without it.
import { fieldCliFix } from '../../common/fields.js';

type AuthtokenFound = { ok: true; authtoken: string } | { ok: false; message: string };

/**
 * `envName` given (--authtoken-env): that variable only, as asked. Otherwise NGROK_AUTHTOKEN, then
 * the ngrok config files. The message names every place looked in, never a value.
 */
export async function findAuthtoken(envName: string | undefined, env: NodeJS.ProcessEnv): Promise<AuthtokenFound> {
  const fix = fieldCliFix('authtoken') ?? '';
  if (envName !== undefined) {
    const token = (env[envName] ?? '').trim();
    if (token) return { ok: true, authtoken: token };
    return { ok: false, message: `--authtoken-env: the environment variable ${envName} is not set or empty\n  fix: ${fix}` };
  }
  const fromEnv = env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { ok: true, authtoken: fromEnv };
  const { importNgrokAuthtoken } = await import('../system/ngrok-config.js');
  const found = await importNgrokAuthtoken({ env });
  if (found.ok) return { ok: true, authtoken: found.authtoken };
  const [, ...files] = found.searched;
  const bad = /not valid YAML/.test(found.error.message) ? ` (${found.error.message})` : '';
  return {
    ok: false,
    message: `no ngrok authtoken: the environment variable NGROK_AUTHTOKEN is not set, and no ngrok config file holds one (looked in ${files.join(', ')})${bad}\n  fix: ${fix}`,
  };
}
