// pure: the domain rules every view shows (tray, window, notifications, CLI), written once.
import type { AuthMode, TunnelStateKind, TunnelView } from './types.js';

/** The OpenID Connect modes need complete FusionAuth settings; `internal` and `public` do not. */
export function needsFusionAuth(mode: AuthMode | undefined): boolean {
  return mode === 'oidc' || mode === 'oidc-legacy';
}

/** Starting, online or reconnecting: the tunnel has (or is getting) a public URL, so "Stop" applies. */
export function isRunning(state: TunnelStateKind): boolean {
  return state === 'starting' || state === 'online' || state === 'reconnecting';
}

/**
 * The alarm: the probe found the URL reachable without a sign-in on a tunnel meant to be protected.
 * A `public` tunnel is open by choice, so it is not an alarm.
 */
export function isOpenByMistake(v: Pick<TunnelView, 'protection' | 'mode'>): boolean {
  return v.protection === 'open' && v.mode !== 'public';
}

/** An http(s) URL: the only kind Porthole hands to the OS to open. */
export function isHttpUrl(url: string | undefined): url is string {
  return !!url && /^https?:\/\//i.test(url);
}

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1: the only hosts where a plain-http issuer is allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A damaged file set aside at launch (see SettingsProblem in contract.ts). */
export interface SettingsProblemFacts {
  kind: 'settings' | 'secrets';
  movedTo: string;
  keptTunnels: number;
}

/** What to tell the user about a file set aside at launch: a title (no full stop) and a body. */
export function settingsProblemText(p: SettingsProblemFacts): { title: string; body: string } {
  if (p.kind === 'secrets') {
    return {
      title: 'Porthole’s stored secrets could not be read',
      body: `The file was set aside as ${p.movedTo}. Your tunnels are kept: enter the ngrok authtoken and each tunnel’s client secret again.`,
    };
  }
  const one = p.keptTunnels === 1;
  return {
    title: 'Porthole’s settings file was damaged',
    body: `It was set aside as ${p.movedTo}. ${one ? '1 tunnel' : `${p.keptTunnels} tunnels`} that could still be read ${one ? 'was' : 'were'} kept; your stored secrets are unaffected. Check your tunnels and settings.`,
  };
}
