/**
 * The shared key-value table: replay caches and rate-limit counters when no
 * Redis is configured (src/store/key-value-sql.ts). *_at is epoch ms.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('key_values', (t) => {
    t.string('key', 255).primary();
    t.text('value').nullable();
    t.bigInteger('count').notNullable().defaultTo(0);
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('key_values');
}
