/**
 * The admin console's reads: pupils with an enrolment running today in a
 * set of schools, searched by name, class or stamnummer, filtered by account
 * state, a page at a time with keyset pagination on (family name, given
 * name, id). The caller passes only the administrator's own schools.
 */
import type { Knex } from 'knex';
import type { Db } from './db.js';

export const ACCOUNT_STATES = ['none', 'school', 'pupil', 'blocked'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface PupilSearch {
  institutions: readonly string[];
  today: string;
  /** Part of the name (given and family, either order), or a stamnummer. */
  text?: string;
  group?: string;
  state?: AccountState;
}

/** Where a page starts: after or before the row with this sort key. */
export interface Cursor {
  familyName: string;
  givenName: string;
  id: string;
  direction: 'after' | 'before';
}

export interface PupilRow {
  id: string;
  givenName: string;
  familyName: string;
  username: string | null;
  state: AccountState;
  /** Today's enrolments in the searched schools only. */
  enrolments: {
    institutionNumber: string;
    administrativeGroup: string;
    stamnummer: string;
    kindOfEducation: string;
  }[];
}

export interface ClassSummary {
  institutionNumber: string;
  administrativeGroup: string;
  pupils: number;
  kinds: string[];
}

const NURSERY_KINDS = new Set(['kleuter', 'buitengewoon-kleuter']);
export const isNurseryClass = (summary: ClassSummary) =>
  summary.kinds.length > 0 && summary.kinds.every((kind) => NURSERY_KINDS.has(kind));

export function createSchoolPupilStore(db: Db) {
  function current(query: Knex.QueryBuilder, search: PupilSearch, alias = 'e') {
    query
      .whereIn(`${alias}.institution_number`, [...search.institutions])
      .andWhere(`${alias}.start_date`, '<=', search.today)
      .andWhere((q) =>
        q.whereNull(`${alias}.end_date`).orWhere(`${alias}.end_date`, '>=', search.today),
      );
    return query;
  }

  function matching(search: PupilSearch) {
    const text = search.text?.trim().toLowerCase() ?? '';
    const enrolled = current(db('enrolments as e').select('e.pupil_id'), search);
    if (search.group) enrolled.andWhere('e.administrative_group', search.group);
    if (/^[0-9]+$/.test(text)) {
      // Digits: a stamnummer, or part of a name typed as digits (never matches).
      enrolled.andWhere('e.stamnummer', text);
    }

    const query = db('pupils as p')
      .leftJoin('accounts as a', 'a.pupil_id', 'p.id')
      .whereIn('p.id', enrolled);
    if (text && !/^[0-9]+$/.test(text)) {
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere((q) =>
        q
          .whereRaw("lower(p.given_name || ' ' || p.family_name) like ? escape '\\'", [like])
          .orWhereRaw("lower(p.family_name || ' ' || p.given_name) like ? escape '\\'", [like]),
      );
    }
    if (search.state) stateFilter(query, search.state);
    return query;
  }

  return {
    async count(search: PupilSearch): Promise<number> {
      const row = await matching(search).count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },

    /** One page; `hasMore` says whether a page follows in the cursor's direction. */
    async findPage(
      search: PupilSearch,
      cursor: Cursor | undefined,
      limit: number,
    ): Promise<{ rows: PupilRow[]; hasMore: boolean }> {
      const backwards = cursor?.direction === 'before';
      const order = backwards ? 'desc' : 'asc';
      const query = matching(search)
        .select('p.id', 'p.given_name', 'p.family_name', 'a.username', 'a.managed_by')
        .select('a.status', 'a.password_hash', 'a.picture')
        .orderBy([
          { column: 'p.family_name', order },
          { column: 'p.given_name', order },
          { column: 'p.id', order },
        ])
        .limit(limit + 1);
      if (cursor) {
        query.andWhereRaw(
          `(p.family_name, p.given_name, p.id) ${backwards ? '<' : '>'} (?, ?, ?)`,
          [cursor.familyName, cursor.givenName, cursor.id],
        );
      }

      const found = await query;
      const hasMore = found.length > limit;
      const page = found.slice(0, limit);
      if (backwards) page.reverse();
      const enrolments = await enrolmentsOf(
        page.map((row) => row.id as string),
        search,
      );
      return {
        hasMore,
        rows: page.map((row) => ({
          id: row.id,
          givenName: row.given_name,
          familyName: row.family_name,
          username: row.username ?? null,
          state: stateOf(row),
          enrolments: enrolments.get(row.id) ?? [],
        })),
      };
    },

    /** The classes (administrative groups) with pupils enrolled today, per school. */
    async findClasses(search: PupilSearch): Promise<ClassSummary[]> {
      const rows = await current(db('enrolments as e'), search)
        .select('e.institution_number', 'e.administrative_group', 'e.kind_of_education')
        .countDistinct({ n: 'e.pupil_id' })
        .groupBy('e.institution_number', 'e.administrative_group', 'e.kind_of_education')
        .orderBy(['e.institution_number', 'e.administrative_group']);
      const byClass = new Map<string, ClassSummary>();
      for (const row of rows) {
        const key = `${row.institution_number}\u0000${row.administrative_group}`;
        const summary = byClass.get(key) ?? {
          institutionNumber: row.institution_number,
          administrativeGroup: row.administrative_group,
          pupils: 0,
          kinds: [] as string[],
        };
        summary.pupils += Number(row.n);
        summary.kinds.push(row.kind_of_education);
        byClass.set(key, summary);
      }
      return [...byClass.values()];
    },

    /** Today's enrolments of one pupil in the given schools only. */
    async findEnrolments(pupilId: string, search: PupilSearch) {
      return (await enrolmentsOf([pupilId], search)).get(pupilId) ?? [];
    },
  };

  async function enrolmentsOf(ids: string[], search: PupilSearch) {
    const byPupil = new Map<string, PupilRow['enrolments']>();
    if (ids.length === 0) return byPupil;
    const rows = await current(db('enrolments as e'), search)
      .select('e.pupil_id', 'e.institution_number', 'e.administrative_group')
      .select('e.stamnummer', 'e.kind_of_education')
      .whereIn('e.pupil_id', ids)
      .orderBy(['e.institution_number', 'e.administrative_group']);
    for (const row of rows) {
      const list = byPupil.get(row.pupil_id) ?? [];
      list.push({
        institutionNumber: row.institution_number,
        administrativeGroup: row.administrative_group,
        stamnummer: row.stamnummer,
        kindOfEducation: row.kind_of_education,
      });
      byPupil.set(row.pupil_id, list);
    }
    return byPupil;
  }
}

function stateFilter(query: Knex.QueryBuilder, state: AccountState) {
  if (state === 'blocked') return query.andWhere('a.status', 'blocked');
  if (state === 'none') {
    return query.andWhere((q) =>
      q
        .whereNull('a.pupil_id')
        .orWhere((r) =>
          r.whereNull('a.password_hash').whereNull('a.picture').andWhereNot('a.status', 'blocked'),
        ),
    );
  }
  return query
    .andWhere('a.status', 'active')
    .andWhere('a.managed_by', state)
    .andWhere((q) => q.whereNotNull('a.password_hash').orWhereNotNull('a.picture'));
}

function stateOf(row: Record<string, unknown>): AccountState {
  if (row.status === 'blocked') return 'blocked';
  if (!row.username || (!row.password_hash && !row.picture)) return 'none';
  return row.managed_by === 'pupil' ? 'pupil' : 'school';
}

export type SchoolPupilStore = ReturnType<typeof createSchoolPupilStore>;
