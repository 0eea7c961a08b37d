/**
 * The password policy by age group (protocol, article 6): pictures for the
 * youngest, school-managed generated passwords in primary school, and from
 * 13 a pupil may take over the account and choose a password.
 */
import { ageOn } from '../util/calendar.js';

export type AgeGroup = 'nursery' | 'primary' | 'teen';

/** The age from which a pupil may manage the account. */
export const SELF_MANAGE_AGE = 13;

const NURSERY_KINDS = new Set(['kleuter', 'buitengewoon-kleuter']);

export interface AgeGroupInput {
  birthDate: string;
  /** Kinds of education of the pupil's current enrolments. */
  currentKinds: readonly string[];
  today: string;
}

/**
 * Age decides from 13 on; below that, a pupil enrolled only in nursery
 * education is a nursery pupil, everyone else (primary, or secondary under
 * 13) gets the school-managed primary policy.
 */
export function ageGroupOf({ birthDate, currentKinds, today }: AgeGroupInput): AgeGroup {
  if (ageOn(birthDate, today) >= SELF_MANAGE_AGE) return 'teen';

  const onlyNursery =
    currentKinds.length > 0 && currentKinds.every((kind) => NURSERY_KINDS.has(kind));
  return onlyNursery ? 'nursery' : 'primary';
}

export interface AgeGroupPolicy {
  /** How the account first gets a credential. */
  initialCredential: 'picture' | 'generated-password';
  /** Whether the picture login is offered. */
  pictureLogin: boolean;
  /** Whether the pupil may take over management (handover). */
  mayTakeOver: boolean;
}

export const POLICIES: Record<AgeGroup, AgeGroupPolicy> = {
  nursery: { initialCredential: 'picture', pictureLogin: true, mayTakeOver: false },
  primary: { initialCredential: 'generated-password', pictureLogin: false, mayTakeOver: false },
  teen: { initialCredential: 'generated-password', pictureLogin: false, mayTakeOver: true },
};
