/**
 * The physical limit of a password login on this machine: raw argon2id
 * verifications per second with LeerID's parameters, nothing else around.
 */
import { hashPassword, verifyPassword } from '../src/accounts/passwords.js';
import { drive, type RunResult } from './lib/stats.js';

export async function benchArgon2(seconds: number, inFlight: number): Promise<RunResult> {
  const hash = await hashPassword('a-password-of-ordinary-length');
  const check = async () => {
    if (!(await verifyPassword(hash, 'a-password-of-ordinary-length'))) throw new Error('no');
  };
  await drive(1, inFlight, check);

  const run = await drive(seconds, inFlight, check);
  return { label: `raw argon2id verify, ${inFlight} in flight`, ...run };
}
