/**
 * The service provider's own keys: one pair signs AuthnRequests and logout
 * requests, one (by default the same) decrypts encrypted assertions. Read
 * once at start; a missing or mismatched file stops the service.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SamlConfig } from '../../config/upstream.js';
import { LeerIdError } from '../../errors/index.js';

export interface SpKeys {
  signingKey: string;
  signingCert: string;
  encryptionKey: string;
  encryptionCert: string;
}

export function loadSpKeys(config: SamlConfig): SpKeys {
  const signing = loadPair(config.spKeyFile, config.spCertFile);
  const encryption =
    config.encryptionKeyFile || config.encryptionCertFile
      ? loadPair(
          config.encryptionKeyFile ?? config.spKeyFile,
          config.encryptionCertFile ?? config.spCertFile,
        )
      : signing;
  return {
    signingKey: signing.key,
    signingCert: signing.cert,
    encryptionKey: encryption.key,
    encryptionCert: encryption.cert,
  };
}

function loadPair(keyFile: string, certFile: string): { key: string; cert: string } {
  try {
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
      throw new Error(`${certFile} does not belong to ${keyFile}`);
    }
    return { key, cert };
  } catch (error) {
    throw new LeerIdError('upstream.config', `upstream.saml: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
