/**
 * Who may touch which account: an administrator (LeerID-beheerder) of a
 * school sees and manages only pupils with a current enrolment in one of
 * their schools (protocol, article 6). The check lives in the services, so
 * every caller, the admin console included, gets it.
 */
import { LeerIdError } from '../errors/index.js';
import type { PupilStore } from '../store/pupils.js';

/** An administrator as the admin console knows them (the role comes from ACM). */
export interface SchoolAdmin {
  /** Stable id of the person, for the records. */
  adminId: string;
  /** Institution numbers of the schools this person administers. */
  institutions: readonly string[];
}

export function createAuthorization(pupils: PupilStore, today: () => string) {
  return {
    /** The institutions the admin shares with the pupil; throws when none. */
    async assertManages(admin: SchoolAdmin, pupilId: string): Promise<string[]> {
      const current = await pupils.findCurrentEnrolments(pupilId, today());
      const mine = new Set(admin.institutions);
      const shared = [...new Set(current.map((e) => e.institutionNumber))].filter((i) =>
        mine.has(i),
      );
      // The same answer for an unknown pupil: no probing for who exists.
      if (shared.length === 0) {
        throw new LeerIdError('account.forbidden', 'Deze leerling is niet in jouw school.', {
          status: 403,
        });
      }
      return shared;
    },

    assertAdminOf(admin: SchoolAdmin, institutionNumber: string): void {
      if (!admin.institutions.includes(institutionNumber)) {
        throw new LeerIdError('account.forbidden', 'Je beheert deze school niet.', { status: 403 });
      }
    },
  };
}

export type Authorization = ReturnType<typeof createAuthorization>;
