/**
 * Short-lived state of upstream logins (ACM over SAML or OIDC): open
 * AuthnRequest ids and OIDC states, used assertion ids, login outcomes
 * waiting for the browser, and upstream sessions. Every row expires;
 * expires_at is epoch ms.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('upstream_state', (t) => {
    t.string('key', 255).primary();
    t.text('value').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('upstream_state');
}
