/**
 * The read behind every login decision and ID token, in one statement: a
 * pupil, the standing of their account, their enrolments running today, and
 * for each whether the school uses the platform (a link row and no opt-out,
 * as in platform-links.ts). A login asks this several times; one round trip
 * each instead of four.
 */
import { dialectOf, rowsOf, type Db } from './db.js';
import type { Enrolment, Pupil } from './pupils.js';

export interface PupilAccess {
  pupil: Pupil;
  /** Whether the account may log in, and since when earlier logins no longer count. */
  account: { active: boolean; sessionsEndedAt: number | null };
  /** Running today, ordered by school, location and group. */
  enrolments: { enrolment: Enrolment; linked: boolean }[];
}

// Positional bindings: client id, today, today, pupil id. On PostgreSQL the
// enrolment's school number is a "C"-collated code and the link's is not; a
// comparison across collations cannot use the link's primary key, and would
// read all of a platform's links (thousands) per enrolment.
const accessStatement = (sameCollation: string) => `
select p.id, p.discimus_id, p.insz, p.given_name, p.family_name,
  a.status as account_status, a.sessions_ended_at,
  e.institution_number, e.location_number, e.administrative_group, e.kind_of_education,
  case when exists (
    select 1 from platform_links l
    where l.client_id = ? and l.institution_number = e.institution_number${sameCollation}
      and not exists (
        select 1 from platform_opt_outs o
        where o.institution_number = l.institution_number and o.client_id = l.client_id)
  ) then 1 else 0 end as linked
from pupils p
left join accounts a on a.pupil_id = p.id
left join enrolments e on e.pupil_id = p.id
  and e.start_date <= ? and (e.end_date is null or e.end_date >= ?)
where p.id = ?
order by e.institution_number, e.location_number, e.administrative_group`;

/**
 * A named statement: PostgreSQL plans it once per connection instead of at
 * every call, which costs several times the lookup itself (SQLite ignores it).
 */
const PREPARED = { name: 'leerid-pupil-access' };

export function createPupilAccessStore(db: Db) {
  const statement = accessStatement(dialectOf(db) === 'pg' ? ' collate "default"' : '');
  return {
    async find(pupilId: string, clientId: string, today: string): Promise<PupilAccess | undefined> {
      const query = db.raw(statement, [clientId, today, today, pupilId]);
      const rows = rowsOf(await query.options(PREPARED));
      const first = rows[0];
      if (!first) return undefined;
      return {
        pupil: {
          id: first.id as string,
          discimusId: first.discimus_id as string,
          insz: (first.insz as string | null) ?? null,
          givenName: first.given_name as string,
          familyName: first.family_name as string,
        },
        account: {
          active: first.account_status === 'active',
          sessionsEndedAt:
            first.sessions_ended_at === null ? null : Number(first.sessions_ended_at),
        },
        // A pupil without a running enrolment comes back as one row of nulls.
        enrolments: rows
          .filter((row) => row.institution_number !== null)
          .map((row) => ({
            enrolment: {
              institutionNumber: row.institution_number as string,
              locationNumber: row.location_number as string,
              administrativeGroup: row.administrative_group as string,
              kindOfEducation: row.kind_of_education as string,
            },
            linked: Number(row.linked) === 1,
          })),
      };
    },
  };
}

export type PupilAccessStore = ReturnType<typeof createPupilAccessStore>;
