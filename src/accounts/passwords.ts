/**
 * Password hashing with argon2id at OWASP's minimum cost (19 MiB, t=2, p=1)
 * through a maintained N-API binding.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// The binding's enum is a const enum, which this build cannot import as a value.
const ARGON2ID = 2 as Algorithm.Argon2id;

const PARAMETERS = {
  algorithm: ARGON2ID,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

/** A hash of nothing anyone knows: verifying against it costs what a real check does. */
let decoyHash: Promise<string> | undefined;

/**
 * Verifies `password` against `passwordHash`. With no hash (unknown user or
 * no password yet) it still spends one verification, so timing does not tell
 * whether a username exists.
 */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    decoyHash ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
