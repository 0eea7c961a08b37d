/**
 * The privacy log: an append-only, hash-chained record of every disclosure
 * of personal data. One chain per partition (a UTC day), so old partitions
 * can be purged while the rest still verifies.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('privacy_log', (t) => {
    t.string('partition', 10).notNullable().comment("UTC day, 'YYYY-MM-DD'");
    t.integer('position').notNullable().comment('1, 2, 3 … within the partition');
    t.bigInteger('at').notNullable();
    t.string('kind', 40).notNullable();
    t.string('actor_type', 12).notNullable();
    t.string('actor', 200).notNullable();
    t.uuid('pupil_id').nullable();
    t.string('purpose', 200).notNullable();
    t.string('legal_basis', 300).nullable();
    t.text('data').notNullable().comment('JSON: what was disclosed, never the values');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.primary(['partition', 'position']);
    t.index(['pupil_id', 'at']);
    t.index(['actor', 'at']);
    t.index(['at']);
  });

  await db.schema.createTable('privacy_log_heads', (t) => {
    t.string('partition', 10).primary();
    t.integer('count').notNullable();
    t.string('head_hash', 64).notNullable();
    t.bigInteger('closed_at').nullable().comment('set once the day is over');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('privacy_log_heads');
  await db.schema.dropTableIfExists('privacy_log');
}
