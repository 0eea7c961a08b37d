/**
 * The school-visible copy of a generated password: AES-256-GCM under a key
 * from the configuration, bound to the pupil by the associated data so a
 * copy moved to another account row does not decrypt.
 * Format: v1.<key id>.<iv>.<tag>.<ciphertext>, base64url parts.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface CopyKey {
  key: Buffer;
  /** Short fingerprint stored with each copy, so a rotated key is recognised. */
  id: string;
}

export function copyKeyFrom(key: Buffer): CopyKey {
  if (key.length !== 32) throw new Error('the password copy key needs exactly 32 bytes');
  return { key, id: createHash('sha256').update(key).digest('base64url').slice(0, 8) };
}

export function encryptCopy(copyKey: CopyKey, pupilId: string, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', copyKey.key, iv);
  cipher.setAAD(Buffer.from(`leerid-copy:${pupilId}`));
  const ciphertext = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));

  return [VERSION, copyKey.id, ...parts].join('.');
}

/** The password, or undefined when the copy is damaged or made under another key. */
export function decryptCopy(copyKey: CopyKey, pupilId: string, copy: string): string | undefined {
  const [version, keyId, iv, tag, ciphertext] = copy.split('.');
  if (version !== VERSION || keyId !== copyKey.id || !iv || !tag || ciphertext === undefined) {
    return undefined;
  }

  try {
    const decipher = createDecipheriv('aes-256-gcm', copyKey.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`leerid-copy:${pupilId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    return undefined;
  }
}
