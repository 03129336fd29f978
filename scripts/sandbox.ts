// script (`npm run sandbox`): try Porthole without an ngrok or FusionAuth account. Starts the loopback
// ngrok ingress and the FusionAuth stand-in the tests use (test/support/), prints what to point
// `porthole` (or the window's "Custom ngrok ingress") at, and runs until Ctrl-C.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngress } from '../test/support/ingress/index.js';
import { startFusionAuth } from '../test/support/fusionauth.js';

const dir = mkdtempSync(join(tmpdir(), 'porthole-sandbox-'));
const ingress = await startIngress();
const fa = await startFusionAuth({ redirectUris: [ingress.idpCallbackUrl] });
// the secret goes to a file only this user reads, never onto a command line
const secretFile = join(dir, 'fusionauth-client-secret');
writeFileSync(secretFile, fa.clientSecret, { mode: 0o600 });

const flags = `--server-addr ${ingress.serverAddr} --ca-file ${ingress.caFile}`;
const fusionauth = `--issuer ${fa.issuer} --client-id ${fa.clientId} --client-secret-file ${secretFile}`;
const users = fa.users.map((u) => `${u.email} / ${u.password}`).join(', ');
process.stdout.write(
  [
    'Porthole sandbox: a loopback ngrok ingress and a FusionAuth stand-in (the ones the tests use). Ctrl-C stops both.',
    '',
    `  ngrok ingress  ${flags}`,
    '                 any authtoken is accepted: export NGROK_AUTHTOKEN=sandbox',
    `  FusionAuth     ${fusionauth}`,
    `                 users: ${users}`,
    '',
    'Try (after npm run build):',
    `  NGROK_AUTHTOKEN=sandbox node dist/main/cli/index.js check ${fusionauth}`,
    `  NGROK_AUTHTOKEN=sandbox node dist/main/cli/index.js share 3000 ${flags} ${fusionauth} --allow-domain example.test`,
    '',
    `In the window: ngrok & app settings > Custom ngrok ingress: server address ${ingress.serverAddr}, CA certificate from ${ingress.caFile}.`,
    '',
  ].join('\n'),
);

let closing = false;
async function stop(): Promise<void> {
  if (closing) return;
  closing = true;
  await Promise.allSettled([fa.close(), ingress.close()]);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
