/**
 * pupils.dump_hash: a hash of everything the last applied dump said about a
 * pupil (own fields and every enrolment row). When tonight's dump says the
 * same, the sync skips the pupil's enrolments altogether.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('pupils', (t) => {
    t.string('dump_hash', 16).nullable().comment('null: compare the enrolments row by row');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('pupils', (t) => t.dropColumn('dump_hash'));
}
