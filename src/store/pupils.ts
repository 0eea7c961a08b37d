/** Read access to mirrored pupils and their enrolments. */
import type { Db } from './db.js';

export interface Pupil {
  id: string;
  discimusId: string;
  insz: string | null;
  givenName: string;
  familyName: string;
}

export interface Enrolment {
  institutionNumber: string;
  locationNumber: string;
  administrativeGroup: string;
  kindOfEducation: string;
}

export function createPupilStore(db: Db) {
  return {
    async findById(id: string): Promise<Pupil | undefined> {
      const row = await db('pupils')
        .select('id', 'discimus_id', 'insz', 'given_name', 'family_name')
        .where({ id })
        .first();
      if (!row) return undefined;
      return {
        id: row.id,
        discimusId: row.discimus_id,
        insz: row.insz,
        givenName: row.given_name,
        familyName: row.family_name,
      };
    },

    /** Pupils with this INSZ: one normally, none when unknown (two is a source error). */
    async findIdsByInsz(insz: string): Promise<string[]> {
      const rows = await db('pupils').select('id').where({ insz }).orderBy('id');
      return rows.map((row) => row.id as string);
    },

    /** Enrolments running on `today` ('YYYY-MM-DD'), both bounds inclusive. */
    async findCurrentEnrolments(pupilId: string, today: string): Promise<Enrolment[]> {
      const rows = await db('enrolments')
        .select(
          'institution_number',
          'location_number',
          'administrative_group',
          'kind_of_education',
        )
        .where('pupil_id', pupilId)
        .andWhere('start_date', '<=', today)
        .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', today))
        .orderBy(['institution_number', 'location_number', 'administrative_group']);
      return rows.map((row) => ({
        institutionNumber: row.institution_number,
        locationNumber: row.location_number,
        administrativeGroup: row.administrative_group,
        kindOfEducation: row.kind_of_education,
      }));
    },
  };
}

export type PupilStore = ReturnType<typeof createPupilStore>;
