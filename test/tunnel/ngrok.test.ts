// test: the @ngrok/ngrok adapter against the loopback ingress — a refused Bind's text never shows the
// client secret, which reaches the adapter as a value beside the listener config (never read back out
// of the policy JSON).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectSession, NgrokFailure, type NgrokSession } from '../../main/tunnel/ngrok.js';
import { forwardConfigFor } from '../../main/tunnel/forward-config.js';
import type { FusionAuthSettings } from '../../common/types.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';

// A quote and a backslash: the policy JSON holds it escaped, the ingress echoes it raw.
const SECRET = 'cs-"quoted"\\value-7731';
const fa: FusionAuthSettings = { issuer: 'https://auth.example.test', clientId: 'cid', clientSecret: SECRET, allowEmails: [], allowDomains: [], scopes: [] };

let ing: Ingress;
let session: NgrokSession;

before(async () => {
  ing = await startIngress();
  session = await connectSession({ authtoken: 'adapter-test-token', serverAddr: ing.serverAddr, caPem: ing.caPem }, { onDisconnect: () => true, onHeartbeat: () => {} });
});
after(async () => {
  await session?.close();
  await ing?.close();
});

/** The translated error of a listen the ingress refuses with `message`. */
async function refused(cfg: Parameters<NgrokSession['listen']>[0], message: string): Promise<string> {
  ing.failBind(() => true, 'ERR_NGROK_2201', message);
  try {
    await session.listen(cfg);
  } catch (err) {
    assert.ok(err instanceof NgrokFailure, String(err));
    return err.error.message;
  } finally {
    ing.failBind(null);
  }
  throw new Error('the bind was not refused');
}

test('oidc and oidc-legacy: a Bind refused with the client secret in its text shows it scrubbed', { timeout: 30_000 }, async () => {
  for (const mode of ['oidc', 'oidc-legacy'] as const) {
    const text = await refused(forwardConfigFor({ name: 'web', target: '3000', mode, fusionauth: fa }), `the policy for ${SECRET} was refused`);
    assert.match(text, /was refused/, mode);
    assert.ok(!text.includes(SECRET), `${mode}: ${text}`);
    assert.ok(!text.includes('"quoted"\\value'), `${mode}: ${text}`);
  }
});

test('the values to scrub are the ones the config carries, wherever else they appear or not', { timeout: 30_000 }, async () => {
  const other = 'carried-value-5521';
  const text = await refused({ ...forwardConfigFor({ name: 'web', target: '3000', mode: 'public' }), secrets: [other] }, `echoing ${other} back`);
  assert.match(text, /echoing/);
  assert.ok(!text.includes(other), text);
});
