/**
 * The admin console: a school's "no" to a platform the registrations file
 * links it to, and the indexes the console's pupil search uses.
 *
 * Config-sourced platform_links rows are rewritten at every start, so a
 * school's opt-out cannot live in them; it lives in its own table, and the
 * login rule counts a link only when no opt-out row matches it.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('platform_opt_outs', (t) => {
    t.string('institution_number', 16).notNullable();
    t.string('client_id', 120).notNullable();
    t.string('created_by', 200).notNullable().comment('administrator id');
    t.bigInteger('created_at').notNullable();
    t.primary(['institution_number', 'client_id']);
    t.index(['client_id']);
  });

  await db.schema.alterTable('enrolments', (t) => {
    // Search by stamnummer within a school.
    t.index(['institution_number', 'stamnummer']);
  });
  await db.schema.alterTable('pupils', (t) => {
    // The console lists pupils by name (keyset pagination on these three).
    t.index(['family_name', 'given_name', 'id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('pupils', (t) => {
    t.dropIndex(['family_name', 'given_name', 'id']);
  });
  await db.schema.alterTable('enrolments', (t) => {
    t.dropIndex(['institution_number', 'stamnummer']);
  });
  await db.schema.dropTableIfExists('platform_opt_outs');
}
