// pure: dev servers' host checks — the answer Vite, webpack-dev-server and Angular give a request
// whose Host is the tunnel's name, and the exact fix — for `share` and the window alike.

/** Which dev server refused the tunnel's host name. */
type HostCheck = 'vite' | 'webpack';

/** The dev server whose host check this answer is, or null. `body` is the start of the answer's body. */
export function hostCheckOf(status: number, body: string): HostCheck | null {
  if (status < 400 || status >= 500) return null;
  if (/Blocked request\. This host \(.*\) is not allowed/.test(body)) return 'vite';
  if (/^\s*Invalid Host header/.test(body)) return 'webpack';
  return null;
}

/** What to change, in the dev server's own words, and Porthole's way round it. */
export function hostCheckFix(kind: HostCheck, host: string | undefined): string {
  const name = host ? JSON.stringify(host) : 'the tunnel’s host name';
  const rewrite = 'or share with the Host header rewritten to the local target (`porthole share --host-header rewrite`, or "Host header: rewrite" in the tunnel’s settings)';
  return kind === 'vite'
    ? `Vite refused ${name} (its host check). Add it to server.allowedHosts in vite.config (e.g. allowedHosts: ['.ngrok.app']), ${rewrite}.`
    : `The dev server (webpack-dev-server / Angular) answered "Invalid Host header". Set devServer.allowedHosts to ['.ngrok.app'] (Angular: ng serve --allowed-hosts), ${rewrite}.`;
}
