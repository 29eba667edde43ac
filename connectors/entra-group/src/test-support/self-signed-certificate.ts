/**
 * A throwaway self-signed certificate, built with `node:crypto` alone so the certificate credential
 * can be exercised without a fixture file or an extra dependency. Just enough DER (X.509 v1: no
 * extensions) for Node's `X509Certificate` and Azure Identity to read it and for a fake sign-in
 * endpoint to verify the client assertion it signs.
 */
import { X509Certificate, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface TestCertificate {
  /** Certificate then private key (PKCS#8), the way the connector's secret field takes them. */
  readonly pem: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  /** SHA-1 thumbprint, upper-case hex, as the Entra portal shows it. */
  readonly thumbprint: string;
  readonly notAfter: Date;
}

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const commonName = (name: string): Buffer => sequence(set(sequence(objectId('2.5.4.3'), tlv(0x0c, Buffer.from(name, 'utf8')))));
const SHA256_WITH_RSA = sequence(objectId('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A 2048-bit RSA key and a certificate for it, valid from `notBefore` to `notAfter` (UTC, years 1950–2049). */
export function createSelfSignedCertificate(
  options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {},
): TestCertificate {
  const notBefore = options.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = commonName(options.commonName ?? 'clearway-connector-test');
  const tbs = sequence(
    positiveInteger(Buffer.from([0x01, 0x23, 0x45, 0x67])),
    SHA256_WITH_RSA,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificatePem = toPem('CERTIFICATE', sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))));
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certificate = new X509Certificate(certificatePem);
  return {
    pem: `${certificatePem}${privateKeyPem}`,
    certificatePem,
    privateKeyPem,
    publicKey,
    thumbprint: certificate.fingerprint.replace(/:/g, ''),
    notAfter: new Date(certificate.validTo),
  };
}
