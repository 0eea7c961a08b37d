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

/** Bulk reads for lists: one query for the pupils, one for their enrolments. */
export function createPupilListStore(db: Db) {
  return {
    /** Ids of pupils with an enrolment running `today` in `institution`, by id. */
    async findIdsEnrolledIn(
      institution: string,
      today: string,
      page: { after?: string; limit: number },
    ): Promise<string[]> {
      const query = db('enrolments')
        .distinct('pupil_id')
        .where('institution_number', institution)
        .andWhere('start_date', '<=', today)
        .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', today))
        .orderBy('pupil_id')
        .limit(page.limit);
      if (page.after) query.andWhere('pupil_id', '>', page.after);
      return (await query).map((row) => row.pupil_id as string);
    },

    async findByIds(ids: string[]): Promise<Map<string, Pupil>> {
      if (ids.length === 0) return new Map();
      const rows = await db('pupils')
        .select('id', 'discimus_id', 'insz', 'given_name', 'family_name')
        .whereIn('id', ids);
      return new Map(
        rows.map((row) => [
          row.id as string,
          {
            id: row.id,
            discimusId: row.discimus_id,
            insz: row.insz,
            givenName: row.given_name,
            familyName: row.family_name,
          },
        ]),
      );
    },

    async findCurrentEnrolments(ids: string[], today: string): Promise<Map<string, Enrolment[]>> {
      const byPupil = new Map<string, Enrolment[]>(ids.map((id) => [id, []]));
      if (ids.length === 0) return byPupil;
      const rows = await db('enrolments')
        .select('pupil_id', 'institution_number', 'location_number')
        .select('administrative_group', 'kind_of_education')
        .whereIn('pupil_id', ids)
        .andWhere('start_date', '<=', today)
        .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', today))
        .orderBy(['institution_number', 'location_number', 'administrative_group']);
      for (const row of rows) {
        byPupil.get(row.pupil_id)?.push({
          institutionNumber: row.institution_number,
          locationNumber: row.location_number,
          administrativeGroup: row.administrative_group,
          kindOfEducation: row.kind_of_education,
        });
      }
      return byPupil;
    },
  };
}

export type PupilListStore = ReturnType<typeof createPupilListStore>;
