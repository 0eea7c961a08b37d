/**
 * The ordered list of schema migrations. Listed statically so that the same
 * code runs from TypeScript sources and from the compiled build.
 */
import type { Knex } from 'knex';
import * as m001 from './20261203-001-core.js';
import * as m008 from './20261203-008-key-values.js';
import * as m007 from './20261203-007-privacy-log.js';
import * as mSync from './20261204-001-sync.js';
import * as mSyncDumpHash from './20261204-002-sync-dump-hash.js';
import * as mAccounts from './20261206-005-accounts.js';
import * as mAdminConsole from './20261207-006-admin-console.js';
import * as mSyncFillfactor from './20261208-001-sync-fillfactor.js';
import * as mSessionsEnded from './20261209-001-account-sessions-ended.js';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '20261203-001-core': m001,
  '20261203-008-key-values': m008,
  '20261203-007-privacy-log': m007,
  '20261204-001-sync': mSync,
  '20261204-002-sync-dump-hash': mSyncDumpHash,
  '20261206-005-accounts': mAccounts,
  '20261207-006-admin-console': mAdminConsole,
  '20261208-001-sync-fillfactor': mSyncFillfactor,
  '20261209-001-account-sessions-ended': mSessionsEnded,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name] as Migration,
};
