/**
 * Pupil accounts beyond username and hash: the school-visible copy of a
 * generated password, the picture secret of the youngest, the confirmed
 * recovery e-mail, and the class codes that open a class login page.
 * *_at columns are epoch milliseconds.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.text('school_copy').nullable().comment('AES-256-GCM copy of a generated password');
    t.string('picture', 32).nullable().comment('picture secret for the picture login');
    t.bigInteger('recovery_email_confirmed_at').nullable();
    t.bigInteger('password_changed_at').nullable();
    t.bigInteger('handed_over_at').nullable().comment('when the pupil took over management');
    t.index(['recovery_email']);
  });

  await db.schema.createTable('class_codes', (t) => {
    t.increments('id');
    t.string('code_hash', 64).notNullable().unique().comment('sha256 of the printed code');
    t.string('institution_number', 16).notNullable();
    t.string('administrative_group', 64).notNullable();
    t.string('created_by', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('revoked_at').nullable();
    t.index(['institution_number', 'administrative_group']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('class_codes');
  await db.schema.alterTable('accounts', (t) => {
    t.dropIndex(['recovery_email']);
    for (const column of [
      'school_copy',
      'picture',
      'recovery_email_confirmed_at',
      'password_changed_at',
      'handed_over_at',
    ]) {
      t.dropColumn(column);
    }
  });
}
