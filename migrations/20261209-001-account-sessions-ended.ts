/**
 * The moment an account's earlier sessions and tokens ended: set when the
 * account is blocked or gets a new password or picture. A login from before
 * it no longer counts (src/oidc/account-standing.ts).
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.bigInteger('sessions_ended_at').nullable().comment('epoch ms');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.dropColumn('sessions_ended_at');
  });
}
