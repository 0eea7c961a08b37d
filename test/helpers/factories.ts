/**
 * Synthetic schools, pupils, enrolments and accounts written straight into a
 * test store. Names and numbers are invented; none belongs to a real person.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/accounts/passwords.js';
import type { Db } from '../../src/store/db.js';

export interface EnrolmentSpec {
  institution: string;
  location?: string;
  group?: string;
  kind?: string;
  start?: string;
  end?: string | null;
}

export interface PupilSpec {
  givenName: string;
  familyName: string;
  insz?: string | null;
  username: string;
  password?: string;
  enrolments: EnrolmentSpec[];
}

let counter = 0;

export async function insertPupil(db: Db, spec: PupilSpec): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  counter += 1;

  await db('pupils').insert({
    id,
    discimus_id: `TEST${String(counter).padStart(7, '0')}`,
    insz: spec.insz ?? null,
    given_name: spec.givenName,
    family_name: spec.familyName,
    gender: 'X',
    birth_date: '2012-05-04',
    row_hash: createHash('sha256').update(id).digest('hex'),
    created_at: now,
    updated_at: now,
    last_seen_at: now,
  });

  for (const enrolment of spec.enrolments) {
    await db('enrolments').insert({
      pupil_id: id,
      institution_number: enrolment.institution,
      location_number: enrolment.location ?? `${enrolment.institution}1`,
      stamnummer: String(counter),
      kind_of_education: enrolment.kind ?? 'secundair',
      administrative_group: enrolment.group ?? '1A',
      enrolment_date: enrolment.start ?? '2026-09-01',
      start_date: enrolment.start ?? '2026-09-01',
      end_date: enrolment.end ?? null,
      row_hash: randomUUID(),
      updated_at: now,
    });
  }

  await db('accounts').insert({
    pupil_id: id,
    username: spec.username,
    password_hash: spec.password ? await hashPassword(spec.password) : null,
    managed_by: 'school',
    status: 'active',
    created_at: now,
    updated_at: now,
  });

  return id;
}
