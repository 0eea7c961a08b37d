/**
 * Builds the claims a platform receives. Release is by allow-list: a claim
 * not produced here never leaves LeerID (gender, birth date and the Discimus
 * id are never produced), and INSZ only for a platform with a legal basis.
 */
import type { Enrolment, Pupil } from '../store/pupils.js';

/** Claims per scope, as oidc-provider's `claims` option wants them. */
export const CLAIMS_BY_SCOPE = {
  profile: ['given_name', 'family_name', 'name'],
  leerid: ['enrolments'],
  insz: ['insz'],
} as const;

export interface EnrolmentClaim {
  institution_number: string;
  location_number: string;
  administrative_group: string;
  kind_of_education: string;
}

export interface PupilClaims {
  sub: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  enrolments?: EnrolmentClaim[];
  insz?: string;
}

export interface ClaimContext {
  scopes: Set<string>;
  /** The current enrolments in schools linked to the platform, nothing more. */
  linkedEnrolments: Enrolment[];
  inszLegalBasis: string | undefined;
}

export function buildClaims(pupil: Pupil, context: ClaimContext): PupilClaims {
  const claims: PupilClaims = { sub: pupil.id };

  if (context.scopes.has('profile')) {
    claims.given_name = pupil.givenName;
    claims.family_name = pupil.familyName;
    claims.name = `${pupil.givenName} ${pupil.familyName}`;
  }

  if (context.scopes.has('leerid')) {
    claims.enrolments = context.linkedEnrolments.map((e) => ({
      institution_number: e.institutionNumber,
      location_number: e.locationNumber,
      administrative_group: e.administrativeGroup,
      kind_of_education: e.kindOfEducation,
    }));
  }

  if (context.scopes.has('insz') && context.inszLegalBasis && pupil.insz) {
    claims.insz = pupil.insz;
  }

  return claims;
}
