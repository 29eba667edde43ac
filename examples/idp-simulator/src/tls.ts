import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

/**
 * A self-signed certificate for `localhost` and `127.0.0.1`. Clients trust it through
 * `NODE_EXTRA_CA_CERTS` (read by Node at start-up), which the sandbox's launcher sets: Azure
 * Identity insists on https for its authority, so the simulator speaks TLS.
 */
export async function createCertificate(days = 30): Promise<TlsMaterial> {
  const generated = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    notAfterDate: new Date(Date.now() + days * 86_400_000),
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: generated.private, cert: generated.cert };
}

/** Reads the certificate at `certPath` (key beside it), creating both when missing or expiring. */
export async function ensureCertificate(certPath: string, keyPath = certPath.replace(/\.pem$/, '.key')): Promise<TlsMaterial> {
  if (existsSync(certPath) && existsSync(keyPath)) {
    const material = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    const { X509Certificate } = await import('node:crypto');
    if (new Date(new X509Certificate(material.cert).validTo).getTime() > Date.now() + 86_400_000) return material;
  }
  const material = await createCertificate();
  mkdirSync(dirname(certPath), { recursive: true });
  writeFileSync(certPath, material.cert);
  writeFileSync(keyPath, material.key, { mode: 0o600 });
  return material;
}
