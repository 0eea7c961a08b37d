/**
 * Throw-away RSA keys with self-signed certificates for SAML tests, made with
 * openssl in a temporary folder (no key material lives in the repository).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKeyPair {
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
  /** The certificate as base64 DER, as metadata carries it. */
  certBase64: string;
}

let folder: string | undefined;
const made = new Map<string, TestKeyPair>();

/** A key pair named `name`, made once per test run. */
export function testKeyPair(name: string): TestKeyPair {
  const known = made.get(name);
  if (known) return known;

  folder ??= mkdtempSync(join(tmpdir(), 'leerid-test-keys-'));
  const keyFile = join(folder, `${name}.key`);
  const certFile = join(folder, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30'].concat([
      '-subj',
      `/CN=${name}.leerid.test`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]),
    { stdio: 'ignore' },
  );

  const cert = readFileSync(certFile, 'utf8');
  const pair = {
    keyFile,
    certFile,
    key: readFileSync(keyFile, 'utf8'),
    cert,
    certBase64: cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
  };
  made.set(name, pair);
  return pair;
}
