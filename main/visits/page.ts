// pure: the page a visitor gets when the tunnel is up but the app behind it is not answering.
// Plain HTML without external resources: it is served on someone else's screen, through ngrok.

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Why the app could not be reached, in words, from a Node socket error code. */
function reasonFor(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing is listening on its port';
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection to it broke';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name does not resolve';
    default:
      return 'it did not answer';
  }
}

/** The 502 page: says the app (not the tunnel) is down, and what its owner can do. */
export function badGatewayPage(target: string, code: string | undefined): string {
  const why = reasonFor(code);
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    '<title>502 · The app is not running</title></head>' +
    '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">' +
    '<h1>The app behind this link is not running</h1>' +
    `<p id="reason">The tunnel is open, but the app it shares (<code>${esc(target)}</code>) could not be reached: ${esc(why)}.</p>` +
    '<p>If this is your app, start it again; this page will show it as soon as it answers. ' +
    'If someone shared this link with you, let them know.</p>' +
    '<p style="color:#666">502 Bad Gateway · Porthole</p></body></html>'
  );
}
