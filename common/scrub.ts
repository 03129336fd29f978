// pure: THE secret scrubber, used by every path that shows foreign text (ngrok's errors, the OpenID
// provider's answers, logs). No imports and no Node API: the renderer and preload load it too.
//
// A secret leaks in more shapes than its raw form: a server that echoes a request shows it
// URL-encoded (form body; twice over when a URL carrying it is itself put in a query, `%252B`), base64
// (Basic header, often after "client_id:"), hex (debug dumps), upper-cased, HTML-escaped or
// JSON-escaped. Each secret is expanded into those forms once.

const REDACTED = '[redacted]';

// ngrok's own messages quote the token ("Your authtoken: 2abc…"), so a labelled value goes too.
const LABELLED_SECRET = /((?:auth\s*token|authtoken|secret|password)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/=+$/, '');
}

/**
 * The base64 characters that encode `bytes` wherever they sit in a longer encoded text: for each of
 * the three alignments, only the characters that depend on nothing but the secret's own bits.
 * So `base64("client-id:" + secret)` is caught without knowing the client id.
 */
function base64Forms(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + bytes.length);
    padded.set(bytes, k);
    const enc = base64(padded);
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    // `core` wherever the secret sits; `tail` also takes the last, partial character when the secret ends the text.
    const core = enc.slice(start, end);
    const tail = enc.slice(start);
    for (const f of [core, tail]) out.push(f, f.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** RFC 6749 §2.3.1 form-urlencoding, as oauth4webapi applies it before building a Basic header. */
function formUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[-_.!~*'()]|%20/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** WHATWG form-urlencoding (URLSearchParams, HTML forms): unlike the two above, `~` becomes %7E, `*` stays, space is +. */
function wwwFormEncode(s: string): string {
  return new URLSearchParams({ s }).toString().slice(2);
}

function htmlForms(s: string): string[] {
  const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return [
    s.replace(/[&<>"']/g, (c) => named[c]!),
    s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    s.replace(/[&<>"']/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`),
  ];
}

/** Every shape in which `secret` may come back (matching is case-insensitive: upper-cased, %2f/%2F). */
function secretForms(secret: string): string[] {
  if (!secret || secret.length < 4) return [];
  const once = [encodeURIComponent(secret), formUrlEncode(secret), wwwFormEncode(secret)];
  // a URL-encoded value encoded again (a redirect URL in a query): `+` → `%2B` → `%252B`
  const twice = once.flatMap((t) => [encodeURIComponent(t), formUrlEncode(t), wwwFormEncode(t)]);
  const texts = new Set([secret, ...once, ...twice, JSON.stringify(secret).slice(1, -1), ...htmlForms(secret)]);
  const forms = new Set(texts);
  for (const t of [secret, formUrlEncode(secret)]) {
    const bytes = utf8(t);
    for (const f of base64Forms(bytes)) forms.add(f);
    forms.add(hex(bytes));
  }
  return [...forms].filter((f) => f.length >= 4);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The one scrubber: removes every given secret in all the forms of `secretForms` (values under 4
 * characters are ignored: too short to be one, too common to replace) and whatever follows
 * "authtoken:" / "secret:" / "password:". Longest form first, so a form containing another goes whole.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  const forms = [...new Set(secrets.flatMap((s) => secretForms(s)))].sort((a, b) => b.length - a.length);
  let out = text;
  if (forms.length) out = out.replace(new RegExp(forms.map(escapeRe).join('|'), 'gi'), REDACTED);
  return out.replace(LABELLED_SECRET, `$1${REDACTED}`);
}

/**
 * Foreign text (an OpenID provider's, ngrok's) made safe to print on one terminal line: control
 * characters, line breaks and invisible or direction-changing characters shown as `\u…` escapes,
 * and the length capped, so that it can't forge lines, move the cursor or clear the screen.
 */
export function asData(text: string, max = 200): string {
  // C0, DEL, C1, zero-width and bidi controls, line/paragraph separators, BOM.
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
