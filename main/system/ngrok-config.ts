// adapter: finds the authtoken the user already gave the ngrok agent — NGROK_AUTHTOKEN, or the agent's
// config file (v2 `authtoken`, v3 `agent.authtoken`) at its per-OS default path, or the legacy ~/.ngrok2.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { win32, posix } from 'node:path';
import { fromYaml } from '../tunnel/yaml.js';
import type { PortholeError } from '../../common/types.js';

interface NgrokConfigEnv {
  env?: Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
}

export type AuthtokenImport =
  | { ok: true; authtoken: string; source: string }
  | { ok: false; error: PortholeError; searched: string[] };

/** The config files the ngrok agent reads by default on `platform`, most specific first. */
export function ngrokConfigPaths(opts: NgrokConfigEnv = {}): string[] {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const platform = opts.platform ?? process.platform;
  const p = platform === 'win32' ? win32 : posix;
  const paths: string[] = [];
  if (platform === 'win32') {
    paths.push(p.join(env.LOCALAPPDATA || p.join(home, 'AppData', 'Local'), 'ngrok', 'ngrok.yml'));
  } else if (platform === 'darwin') {
    paths.push(p.join(home, 'Library', 'Application Support', 'ngrok', 'ngrok.yml'));
  } else {
    paths.push(p.join(env.XDG_CONFIG_HOME || p.join(home, '.config'), 'ngrok', 'ngrok.yml'));
  }
  // ngrok v2 kept its config here on every OS.
  paths.push(p.join(home, '.ngrok2', 'ngrok.yml'));
  return paths;
}

/** The authtoken in an ngrok config file's text (v3 `agent.authtoken`, v2 `authtoken`), if any. */
export function authtokenFromConfig(text: string): string | undefined {
  const doc = fromYaml(text);
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as { authtoken?: unknown; agent?: { authtoken?: unknown } };
  const token = d.agent?.authtoken ?? d.authtoken;
  return typeof token === 'string' && token.trim() ? token.trim() : undefined;
}

/**
 * Find an existing ngrok authtoken. NGROK_AUTHTOKEN wins, as it does for the ngrok agent; then the
 * config files in ngrokConfigPaths order. Never throws; the error names what was searched, not a value.
 */
export async function importNgrokAuthtoken(opts: NgrokConfigEnv = {}): Promise<AuthtokenImport> {
  const env = opts.env ?? process.env;
  const fromEnv = env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { ok: true, authtoken: fromEnv, source: 'NGROK_AUTHTOKEN' };
  const searched = ngrokConfigPaths(opts);
  const unreadable: string[] = [];
  for (const file of searched) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const token = authtokenFromConfig(text);
      if (token) return { ok: true, authtoken: token, source: file };
    } catch {
      unreadable.push(file);
    }
  }
  return {
    ok: false,
    searched: ['NGROK_AUTHTOKEN', ...searched],
    error: {
      code: 'NGROK_CONFIG_NOT_FOUND',
      field: 'ngrokAuthtoken',
      message: unreadable.length
        ? `The ngrok config file ${unreadable.join(', ')} is not valid YAML, and no other holds an authtoken.`
        : 'No ngrok authtoken found: NGROK_AUTHTOKEN is not set and no ngrok config file holds one.',
      fix: `Paste your authtoken from dashboard.ngrok.com (Getting Started > Your Authtoken), or run \`ngrok config add-authtoken <token>\` and import again. Searched: ${searched.join(', ')}.`,
    },
  };
}

