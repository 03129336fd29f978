// test support: TLS material for the loopback ngrok ingress, made once per process with the openssl CLI.
// The agent (rustls/webpki) checks the server name from server_addr, so the leaf carries IP SAN
// 127.0.0.1; it must be CA:FALSE, because webpki rejects a CA certificate used as an end entity.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface IngressCerts {
  /** PEM text of the CA (what the agent is told to trust). */
  caPem: string;
  /** Path of a file holding caPem (for `root_cas`). */
  caFile: string;
  /** The server's leaf certificate and key, PEM. */
  certPem: string;
  keyPem: string;
}

let cached: Promise<IngressCerts> | undefined;

/** The process-wide CA + leaf for 127.0.0.1; generated on first use, removed at exit. */
export function ingressCerts(): Promise<IngressCerts> {
  cached ??= generate().catch((err) => {
    cached = undefined; // let a later caller try again
    throw err;
  });
  return cached;
}

async function generate(): Promise<IngressCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-ingress-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const p = (name: string) => join(dir, name);
  writeFileSync(
    p('leaf.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
    ].join('\n') + '\n',
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '3650',
    '-subj', '/CN=Porthole loopback ngrok ingress CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', '-new', ...ec, '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/CN=127.0.0.1']);
  await run('openssl', [
    'x509', '-req', '-in', p('leaf.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-set_serial', '0x' + Date.now().toString(16), '-days', '825', '-extfile', p('leaf.ext'), '-out', p('leaf.pem'),
  ]);
  return {
    caPem: readFileSync(p('ca.pem'), 'utf8'),
    caFile: p('ca.pem'),
    certPem: readFileSync(p('leaf.pem'), 'utf8'),
    keyPem: readFileSync(p('leaf.key'), 'utf8'),
  };
}
