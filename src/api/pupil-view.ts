/**
 * A pupil as an API caller may see it. Built by the same allow-list as the
 * OIDC claims (src/oidc/claims.ts), so the two can never disagree.
 */
import { buildClaims, type EnrolmentClaim } from '../oidc/claims.js';
import type { Enrolment, Pupil } from '../store/pupils.js';
import type { Caller } from './caller.js';

export interface PupilView {
  id: string;
  given_name: string;
  family_name: string;
  enrolments: EnrolmentClaim[];
  insz?: string;
}

/** The enrolments of `current` in schools the caller is linked to. */
export function visibleEnrolments(
  caller: Caller,
  linked: ReadonlySet<string>,
  current: Enrolment[],
): Enrolment[] {
  if (caller.registration.allInstitutions) return current;
  return current.filter((enrolment) => linked.has(enrolment.institutionNumber));
}

/** The view, or undefined when none of the pupil's current schools is visible. */
export function pupilView(
  caller: Caller,
  pupil: Pupil,
  visible: Enrolment[],
): PupilView | undefined {
  if (visible.length === 0) return undefined;

  const scopes = new Set(['profile', 'leerid']);
  if (caller.scopes.has('insz')) scopes.add('insz');
  const claims = buildClaims(pupil, {
    scopes,
    linkedEnrolments: visible,
    inszLegalBasis: caller.registration.inszLegalBasis,
  });

  return {
    id: claims.sub,
    given_name: claims.given_name as string,
    family_name: claims.family_name as string,
    enrolments: claims.enrolments ?? [],
    ...(claims.insz ? { insz: claims.insz } : {}),
  };
}
