/**
 * Core schema: schools, pupils mirrored from Discimus, their enrolments and
 * accounts, the school-to-platform links, and oidc-provider's storage.
 * Dates are 'YYYY-MM-DD'; *_at columns are epoch milliseconds.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('institutions', (t) => {
    t.string('institution_number', 16).primary();
    t.string('name', 200);
  });

  await db.schema.createTable('locations', (t) => {
    t.string('institution_number', 16).notNullable();
    t.string('location_number', 16).notNullable();
    t.primary(['institution_number', 'location_number']);
  });

  await db.schema.createTable('pupils', (t) => {
    t.uuid('id').primary().comment('the LeerID UUID, never changes');
    t.string('discimus_id', 64).notNullable().unique();
    t.string('insz', 11).nullable().index();
    t.string('given_name', 200).notNullable();
    t.string('family_name', 200).notNullable();
    t.string('gender', 1).notNullable();
    t.date('birth_date').notNullable();
    t.string('row_hash', 64).notNullable().comment('hash of the mirrored fields');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('last_seen_at').notNullable().comment('last dump that held the pupil');
  });

  await db.schema.createTable('enrolments', (t) => {
    t.increments('id');
    t.uuid('pupil_id').notNullable().references('pupils.id').onDelete('CASCADE');
    t.string('institution_number', 16).notNullable();
    t.string('location_number', 16).notNullable();
    t.string('stamnummer', 32).notNullable();
    t.string('kind_of_education', 32).notNullable();
    t.string('administrative_group', 64).notNullable();
    t.date('enrolment_date').notNullable();
    t.date('start_date').notNullable();
    t.date('end_date').nullable();
    t.string('row_hash', 64).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['pupil_id', 'institution_number', 'location_number', 'start_date']);
    t.index(['institution_number', 'administrative_group']);
  });

  await db.schema.createTable('accounts', (t) => {
    t.uuid('pupil_id').primary().references('pupils.id').onDelete('CASCADE');
    t.string('username', 120).notNullable().unique();
    t.text('password_hash').nullable();
    t.string('managed_by', 8).notNullable().defaultTo('school');
    t.string('status', 12).notNullable().defaultTo('active');
    t.string('recovery_email', 254).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('last_login_at').nullable();
  });

  await db.schema.createTable('platform_links', (t) => {
    t.string('institution_number', 16).notNullable();
    t.string('client_id', 120).notNullable();
    t.string('source', 8).notNullable().comment("'config' or 'school'");
    t.bigInteger('created_at').notNullable();
    t.primary(['institution_number', 'client_id']);
    t.index(['client_id']);
  });

  await db.schema.createTable('oidc_payloads', (t) => {
    t.string('model', 40).notNullable();
    t.string('id', 255).notNullable();
    t.text('payload').notNullable();
    t.string('grant_id', 255).nullable().index();
    t.string('uid', 255).nullable().index();
    t.string('user_code', 255).nullable().index();
    t.bigInteger('expires_at').nullable().index();
    t.bigInteger('consumed_at').nullable();
    t.primary(['model', 'id']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'oidc_payloads',
    'platform_links',
    'accounts',
    'enrolments',
    'pupils',
    'locations',
    'institutions',
  ]) {
    await db.schema.dropTableIfExists(table);
  }
}
