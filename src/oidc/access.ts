/**
 * The login rule of the protocol: a pupil may reach a platform only with an
 * enrolment running today in at least one school that uses that platform.
 */
import type { Enrolment, Pupil } from '../store/pupils.js';
import type { PupilAccess, PupilAccessStore } from '../store/pupil-access.js';

/** Why the rule refuses a pupil, as the platform is told. */
export const ACCESS_REFUSALS = ['no_current_enrolment', 'platform_not_linked'] as const;

export type AccessDecision =
  | { allowed: true; enrolments: Enrolment[] }
  | { allowed: false; reason: (typeof ACCESS_REFUSALS)[number] };

export function createAccessPolicy(store: PupilAccessStore) {
  return {
    /** The decision, with the enrolments the platform may see when allowed. */
    async decide(pupilId: string, clientId: string, today: string): Promise<AccessDecision> {
      return decisionOf(await store.find(pupilId, clientId, today));
    },

    /** The pupil, their account and the decision from one read; undefined for an unknown pupil. */
    async lookup(
      pupilId: string,
      clientId: string,
      today: string,
    ): Promise<
      { pupil: Pupil; account: PupilAccess['account']; decision: AccessDecision } | undefined
    > {
      const access = await store.find(pupilId, clientId, today);
      return (
        access && { pupil: access.pupil, account: access.account, decision: decisionOf(access) }
      );
    },
  };
}

function decisionOf(access: PupilAccess | undefined): AccessDecision {
  const current = access?.enrolments ?? [];
  if (current.length === 0) return { allowed: false, reason: 'no_current_enrolment' };

  const visible = current.filter((e) => e.linked).map((e) => e.enrolment);
  if (visible.length === 0) return { allowed: false, reason: 'platform_not_linked' };

  return { allowed: true, enrolments: visible };
}

export type AccessPolicy = ReturnType<typeof createAccessPolicy>;
