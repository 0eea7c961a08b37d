/** Pupil accounts: the credentials side of a pupil. */
import type { Db } from './db.js';

export type ManagedBy = 'school' | 'pupil';
export type AccountStatus = 'active' | 'blocked';

export interface Account {
  pupilId: string;
  username: string;
  passwordHash: string | null;
  managedBy: ManagedBy;
  status: AccountStatus;
  /** AES-GCM copy of a generated password, for the pupil's schools. */
  schoolCopy: string | null;
  picture: string | null;
  recoveryEmail: string | null;
  createdAt: number;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
  handedOverAt: number | null;
}

/** The pupil facts the account rules need; birth date never leaves the service. */
export interface AccountHolder {
  pupilId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

const COLUMNS = [
  'pupil_id',
  'username',
  'password_hash',
  'managed_by',
  'status',
  'school_copy',
  'picture',
  'recovery_email',
  'created_at',
  'last_login_at',
  'password_changed_at',
  'handed_over_at',
];

export function createAccountStore(db: Db) {
  const byPupil = (pupilId: string) => db('accounts').where({ pupil_id: pupilId });

  return {
    async findByUsername(username: string): Promise<Account | undefined> {
      // Named, so PostgreSQL plans it once per connection: every password login asks it.
      const row = await db('accounts')
        .select(COLUMNS)
        .where({ username })
        .first()
        .options({ name: 'leerid-account-by-username' });
      return row ? toAccount(row) : undefined;
    },

    async findByPupilId(pupilId: string): Promise<Account | undefined> {
      const row = await byPupil(pupilId).select(COLUMNS).first();
      return row ? toAccount(row) : undefined;
    },

    /** Accounts whose confirmed recovery address is `email` (siblings may share one). */
    async findByRecoveryEmail(email: string): Promise<Account[]> {
      const rows = await db('accounts')
        .select(COLUMNS)
        .where({ recovery_email: email })
        .whereNotNull('recovery_email_confirmed_at');
      return rows.map(toAccount);
    },

    async findHolder(pupilId: string): Promise<AccountHolder | undefined> {
      const row = await db('pupils')
        .select('id', 'given_name', 'family_name', 'birth_date')
        .where({ id: pupilId })
        .first();
      if (!row) return undefined;
      return {
        pupilId: row.id,
        givenName: row.given_name,
        familyName: row.family_name,
        birthDate: String(row.birth_date).slice(0, 10),
      };
    },

    /** Pupils enrolled today in one administrative group, with their accounts. */
    async findClassMembers(
      institutionNumber: string,
      administrativeGroup: string,
      today: string,
    ): Promise<(AccountHolder & { account: Account | undefined })[]> {
      const rows = await db('enrolments as e')
        .join('pupils as p', 'p.id', 'e.pupil_id')
        .leftJoin('accounts as a', 'a.pupil_id', 'e.pupil_id')
        .distinct(
          'p.id',
          'p.given_name',
          'p.family_name',
          'p.birth_date',
          ...COLUMNS.map((column) => `a.${column}`),
        )
        .where('e.institution_number', institutionNumber)
        .andWhere('e.administrative_group', administrativeGroup)
        .andWhere('e.start_date', '<=', today)
        .andWhere((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', today))
        .orderBy(['p.given_name', 'p.family_name', 'p.id']);
      return rows.map((row) => ({
        pupilId: row.id,
        givenName: row.given_name,
        familyName: row.family_name,
        birthDate: String(row.birth_date).slice(0, 10),
        account: row.pupil_id ? toAccount(row) : undefined,
      }));
    },

    /** Kinds of education of the pupil's enrolments running today. */
    async currentKinds(pupilId: string, today: string): Promise<string[]> {
      const rows = await db('enrolments')
        .distinct('kind_of_education')
        .where('pupil_id', pupilId)
        .andWhere('start_date', '<=', today)
        .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', today));
      return rows.map((row) => row.kind_of_education as string);
    },

    /**
     * The next free number for a username base, shared with the sync
     * (username_counters), so both hand out base, base2, base3, ...
     */
    async nextUsernameNumber(base: string): Promise<number> {
      const result = await db.raw(
        `INSERT INTO username_counters (base, taken) VALUES (?, 1)
         ON CONFLICT (base) DO UPDATE SET taken = username_counters.taken + 1
         RETURNING taken`,
        [base],
      );
      const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
      return Number((rows[0] as { taken: number }).taken);
    },

    async usernameTaken(username: string): Promise<boolean> {
      return Boolean(await db('accounts').select('pupil_id').where({ username }).first());
    },

    /** Inserts a new account; false when the pupil has one or the username is taken. */
    async insert(account: { pupilId: string; username: string; now: number }): Promise<boolean> {
      const inserted = await db('accounts')
        .insert({
          pupil_id: account.pupilId,
          username: account.username,
          password_hash: null,
          managed_by: 'school',
          status: 'active',
          created_at: account.now,
          updated_at: account.now,
        })
        .onConflict()
        .ignore()
        .returning('pupil_id');
      return inserted.length > 0;
    },

    /** A password the school generated: hash for login, encrypted copy for the school. */
    async setSchoolPassword(pupilId: string, passwordHash: string, copy: string, now: number) {
      await byPupil(pupilId).update({
        password_hash: passwordHash,
        school_copy: copy,
        managed_by: 'school',
        password_changed_at: now,
        sessions_ended_at: now,
        updated_at: now,
      });
    },

    /**
     * A password the pupil chose. The school's copy goes in the same
     * statement: from now on the school can no longer see the password.
     */
    async setOwnPassword(pupilId: string, passwordHash: string, now: number) {
      await byPupil(pupilId).update({
        password_hash: passwordHash,
        school_copy: null,
        password_changed_at: now,
        sessions_ended_at: now,
        updated_at: now,
      });
    },

    /** Handover done: the pupil manages the account, with a confirmed address. */
    async handOver(pupilId: string, passwordHash: string, email: string, now: number) {
      await byPupil(pupilId).update({
        password_hash: passwordHash,
        school_copy: null,
        managed_by: 'pupil',
        recovery_email: email,
        recovery_email_confirmed_at: now,
        handed_over_at: now,
        password_changed_at: now,
        sessions_ended_at: now,
        updated_at: now,
      });
    },

    async setRecoveryEmail(pupilId: string, email: string, now: number) {
      await byPupil(pupilId).update({
        recovery_email: email,
        recovery_email_confirmed_at: now,
        updated_at: now,
      });
    },

    async setPicture(pupilId: string, picture: string, now: number) {
      await byPupil(pupilId).update({ picture, sessions_ended_at: now, updated_at: now });
    },

    async setStatus(pupilId: string, status: AccountStatus, now: number) {
      // Blocking ends every session and token; unblocking revives none of them.
      const ended = status === 'blocked' ? { sessions_ended_at: now } : {};
      await byPupil(pupilId).update({ status, ...ended, updated_at: now });
    },

    async recordLogin(pupilId: string, now: number) {
      await byPupil(pupilId)
        .update({ last_login_at: now })
        .options({ name: 'leerid-record-login' });
    },
  };
}

function toAccount(row: Record<string, unknown>): Account {
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    pupilId: row.pupil_id as string,
    username: row.username as string,
    passwordHash: (row.password_hash as string | null) ?? null,
    managedBy: row.managed_by as ManagedBy,
    status: row.status as AccountStatus,
    schoolCopy: (row.school_copy as string | null) ?? null,
    picture: (row.picture as string | null) ?? null,
    recoveryEmail: (row.recovery_email as string | null) ?? null,
    createdAt: Number(row.created_at),
    lastLoginAt: num(row.last_login_at),
    passwordChangedAt: num(row.password_changed_at),
    handedOverAt: num(row.handed_over_at),
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
