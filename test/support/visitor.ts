// test support: a scripted visitor (fetch and a cookie jar, no browser) that follows redirects and signs in at
// the test OpenID provider's login form, as the ingress's OIDC edge and the identity tests need.

/** Cookies for 127.0.0.1, whatever the port (as browsers do); paths ignored. */
export class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(i + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follow redirects from url, answering the provider's login form; `init.headers` go with every hop. Returns the final answer. */
export async function visit(
  jar: Jar,
  url: string,
  login?: { email: string; password: string },
  init: { method?: string; body?: Buffer; headers?: Record<string, string> } = {},
) {
  let at = new URL(url);
  let method = init.method ?? 'GET';
  let body: Buffer | string | undefined = init.body;
  let type: string | undefined;
  const trail: string[] = [];
  for (let hop = 0; hop < 20; hop++) {
    trail.push(`${method} ${at.href}`);
    const res = await fetch(at, {
      method,
      body: body as BodyInit | undefined,
      redirect: 'manual',
      headers: { ...init.headers, cookie: jar.header(), ...(type ? { 'content-type': type } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
    jar.take(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      at = new URL(location, at);
      method = 'GET';
      body = type = undefined;
      continue;
    }
    const text = await res.text();
    const form = /<form id="login-form" method="post" action="([^"]+)"/.exec(text);
    if (form && login) {
      at = new URL(form[1]!.replace(/&amp;/g, '&'), at);
      method = 'POST';
      body = new URLSearchParams({ loginId: login.email, password: login.password }).toString();
      type = 'application/x-www-form-urlencoded';
      continue;
    }
    return { status: res.status, text, trail };
  }
  throw new Error(`too many redirects: ${trail.join(' → ')}`);
}
