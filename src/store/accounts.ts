/** Pupil accounts: the credentials side of a pupil. */
import type { Db } from './db.js';

export interface Account {
  pupilId: string;
  username: string;
  passwordHash: string | null;
  managedBy: 'school' | 'pupil';
  status: string;
}

export function createAccountStore(db: Db) {
  return {
    async findByUsername(username: string): Promise<Account | undefined> {
      const row = await db('accounts').where({ username }).first();
      return row ? toAccount(row) : undefined;
    },

    async findByPupilId(pupilId: string): Promise<Account | undefined> {
      const row = await db('accounts').where({ pupil_id: pupilId }).first();
      return row ? toAccount(row) : undefined;
    },

    async setPasswordHash(pupilId: string, passwordHash: string, now: number) {
      await db('accounts')
        .where({ pupil_id: pupilId })
        .update({ password_hash: passwordHash, updated_at: now });
    },

    async recordLogin(pupilId: string, now: number) {
      await db('accounts').where({ pupil_id: pupilId }).update({ last_login_at: now });
    },
  };
}

function toAccount(row: Record<string, unknown>): Account {
  return {
    pupilId: row.pupil_id as string,
    username: row.username as string,
    passwordHash: (row.password_hash as string | null) ?? null,
    managedBy: row.managed_by as Account['managedBy'],
    status: row.status as string,
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
