/** The age group of one pupil today, from the store. */
import { LeerIdError } from '../errors/index.js';
import { ageGroupOf, POLICIES, type AgeGroup, type AgeGroupPolicy } from './age-group.js';
import type { AccountContext } from './context.js';

export async function policyOf(
  context: AccountContext,
  pupilId: string,
): Promise<{ group: AgeGroup; policy: AgeGroupPolicy }> {
  const holder = await context.accounts.findHolder(pupilId);
  if (!holder) throw new LeerIdError('account.forbidden', 'Onbekende leerling.', { status: 403 });

  const today = context.today();
  const currentKinds = await context.accounts.currentKinds(pupilId, today);
  const group = ageGroupOf({ birthDate: holder.birthDate, currentKinds, today });
  return { group, policy: POLICIES[group] };
}
