/**
 * What the nightly Discimus sync keeps besides the mirrored data: the run log,
 * a lock for SQLite (PostgreSQL uses an advisory lock), the next free number
 * per username base, and a mark on pupils and enrolments that left the dump.
 */
import type { Knex } from 'knex';

/** Codes, not words: byte order is right for them and much faster to index. */
const CODE_COLUMNS = [
  ['pupils', 'discimus_id', 'varchar(64)'],
  ['pupils', 'insz', 'varchar(11)'],
  ['enrolments', 'institution_number', 'varchar(16)'],
  ['enrolments', 'location_number', 'varchar(16)'],
  ['enrolments', 'administrative_group', 'varchar(64)'],
] as const;

async function setCollation(db: Knex, collation: string): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  for (const [table, column, type] of CODE_COLUMNS) {
    await db.raw(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${type} COLLATE "${collation}"`);
  }
}

export async function up(db: Knex): Promise<void> {
  await setCollation(db, 'C');

  await db.schema.alterTable('pupils', (t) => {
    t.bigInteger('missing_since').nullable().comment('first run whose dump lacked the pupil');
  });

  await db.schema.alterTable('enrolments', (t) => {
    t.bigInteger('missing_since').nullable().comment('first run whose dump lacked the row');
  });

  await db.schema.createTable('sync_runs', (t) => {
    t.increments('id');
    t.string('file', 1000).notNullable();
    t.string('checksum', 64).nullable().comment('sha256 of the file as stored');
    t.bigInteger('size').nullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('finished_at').nullable();
    t.string('outcome', 12)
      .notNullable()
      .comment('running|applied|dry-run|refused|failed|interrupted');
    t.string('error_code', 40).nullable();
    t.text('message').nullable();
    t.integer('rows').nullable();
    t.text('counts').nullable().comment('JSON: changes per kind');
    t.boolean('forced').notNullable().defaultTo(false);
    t.boolean('dry_run').notNullable().defaultTo(false);
    t.string('host', 255).nullable();
    t.integer('pid').nullable();
    t.index(['outcome', 'id']);
  });

  await db.schema.createTable('sync_lock', (t) => {
    t.string('name', 32).primary();
    t.string('host', 255).notNullable();
    t.integer('pid').notNullable();
    t.bigInteger('acquired_at').notNullable();
  });

  await db.schema.createTable('username_counters', (t) => {
    t.string('base', 80).primary();
    t.integer('taken').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('username_counters');
  await db.schema.dropTableIfExists('sync_lock');
  await db.schema.dropTableIfExists('sync_runs');
  await db.schema.alterTable('enrolments', (t) => t.dropColumn('missing_since'));
  await db.schema.alterTable('pupils', (t) => t.dropColumn('missing_since'));
  await setCollation(db, 'default');
}
