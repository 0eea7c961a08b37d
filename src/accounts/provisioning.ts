/**
 * Making an account: a username from the configured scheme (numbered after
 * the base, like the sync does) and, by age group, a first credential.
 */
import { LeerIdError } from '../errors/index.js';
import type { Account } from '../store/accounts.js';
import { now, type AccountContext } from './context.js';
import { numberedUsername, usernameBase } from './usernames.js';

const MAX_TRIES = 50;

/** The pupil's account, made now when the sync has not made it yet. */
export async function ensureAccount(context: AccountContext, pupilId: string): Promise<Account> {
  const existing = await context.accounts.findByPupilId(pupilId);
  if (existing) return existing;

  const holder = await context.accounts.findHolder(pupilId);
  if (!holder) throw new LeerIdError('account.forbidden', 'Onbekende leerling.', { status: 403 });

  const base = usernameBase(
    holder.givenName,
    holder.familyName,
    context.config.accounts.usernameScheme,
  );
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    const username = numberedUsername(base, await context.accounts.nextUsernameNumber(base));
    const inserted = await context.accounts.insert({ pupilId, username, now: now(context) });
    const account = await context.accounts.findByPupilId(pupilId);
    // Not inserted but present: another request (or the sync) made it meanwhile.
    if (inserted || account) return account as Account;
  }
  throw new Error(`no free username for base ${base} after ${MAX_TRIES} tries`);
}
