/**
 * The benchmark's data: 1.2 million synthetic pupils in a PostgreSQL
 * database of its own (leerid_bench_ops; never the test database, nor the
 * sync benchmark's), imported once through the real sync from a generated
 * Discimus dump and reused by later runs. A few hundred of the accounts get
 * a known password for the login flows.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { hashPassword } from '../../src/accounts/passwords.js';
import { writeDemoDump } from '../../src/demo/index.js';
import { createDb, migrateLatest, type Db } from '../../src/store/db.js';
import { createPlatformLinkStore } from '../../src/store/platform-links.js';
import { runSync } from '../../src/sync/index.js';
import { todayIn } from '../../src/util/dates.js';
import { migrationSource } from '../../migrations/index.js';
import { log } from './stats.js';

export const BENCH_PG_URL =
  process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/leerid_bench_ops';
export const BENCH_PASSWORD = 'bench-wachtwoord-2026';
export const BENCH_CLIENT = {
  client_id: 'bench-platform',
  client_secret: 'bench-secret-0123456789-0123456789-0123',
  redirect_uri: 'http://127.0.0.1:9/callback',
};
export const SMALL_CLIENT_ID = 'bench-platform-100';
const TIMEZONE = 'Europe/Brussels';

export interface Dataset {
  url: string;
  dir: string;
  clientsFile: string;
  usernames: string[];
  /** Accounts enrolled in the small platform's schools. */
  smallUsernames: string[];
  today: string;
  /** Schools with enrolments: the bench platform is linked to all of them. */
  schools: number;
}

export async function ensureDataset(options: {
  pupils: number;
  dir: string;
  loginAccounts: number;
}): Promise<Dataset> {
  mkdirSync(options.dir, { recursive: true });
  await ensureDatabase(BENCH_PG_URL);
  let db = createDb(BENCH_PG_URL);
  const today = todayIn(TIMEZONE, new Date());

  try {
    await migrateLatest(db).catch(async (error: Error) => {
      // A migration the code no longer has: start the dataset afresh.
      if (!/migration directory is corrupt/.test(error.message)) throw error;
      log(`dataset: ${error.message}; recreating the database`);
      await db.destroy();
      await recreateDatabase(BENCH_PG_URL);
      db = createDb(BENCH_PG_URL);
      await migrateLatest(db);
    });
    const present = await countPupils(db);
    if (present < options.pupils) await importPupils(db, options.pupils, options.dir, today);
    else log(`dataset: ${present.toLocaleString('en')} pupils already in ${BENCH_PG_URL}`);

    const { file: clientsFile, schools, small } = await writeClientsFile(db, options.dir);
    await linkSchools(db, clientsFile);
    const usernames = await giveKnownPasswords(db, options.loginAccounts, today);
    const smallUsernames = await giveKnownPasswords(db, options.loginAccounts, today, small);
    const dataset = { url: BENCH_PG_URL, dir: options.dir, clientsFile, today, schools };
    return { ...dataset, usernames, smallUsernames };
  } finally {
    await db.destroy();
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function countPupils(db: Db): Promise<number> {
  const row = await db('pupils').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** A fresh schema, a generated dump, and the real sync importing it. */
async function importPupils(db: Db, pupils: number, dir: string, today: string) {
  const dump = join(dir, `bench-${pupils}-${today}.csv.gz`);
  if (!existsSync(dump)) {
    const started = performance.now();
    await writeDemoDump({ pupils, out: dump, today, seed: 8 });
    log(`dataset: wrote ${dump} in ${seconds(started)}`);
  }

  await db.migrate.rollback({ migrationSource }, true);
  await migrateLatest(db);
  const started = performance.now();
  const report = await runSync(db, dump, {
    now: new Date(),
    timezone: TIMEZONE,
    maxEndedShare: 1,
    minSizeRatio: 0,
  });
  await db.raw('VACUUM ANALYZE');
  log(`dataset: imported ${report.rows.toLocaleString('en')} rows in ${seconds(started)}`);
}

/** Accounts of pupils enrolled today (in `schools`), all with the same known password. */
async function giveKnownPasswords(
  db: Db,
  count: number,
  today: string,
  schools?: string[],
): Promise<string[]> {
  const rows = await db('accounts as a')
    .select('a.username', 'a.pupil_id')
    .whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('enrolments as e')
        .whereRaw('e.pupil_id = a.pupil_id')
        .andWhere('e.start_date', '<=', today)
        .andWhere((w) => w.whereNull('e.end_date').orWhere('e.end_date', '>=', today))
        .modify((inSchools) => {
          if (schools) inSchools.whereIn('e.institution_number', schools);
        }),
    )
    .orderBy('a.pupil_id')
    .limit(count);

  const hash = await hashPassword(BENCH_PASSWORD);
  await db('accounts')
    .whereIn(
      'pupil_id',
      rows.map((row) => row.pupil_id),
    )
    .update({ password_hash: hash, status: 'active' });
  return rows.map((row) => row.username as string);
}

/**
 * The links a node makes from the clients file at start, made here first and
 * then vacuumed and analysed: this PostgreSQL runs without autovacuum, and
 * without statistics (or with the dead rows of earlier link rewrites) the
 * planner scans all of a platform's links at every access decision.
 */
export async function linkSchools(db: Db, file: string): Promise<void> {
  const { clients } = JSON.parse(readFileSync(file, 'utf8')) as {
    clients: { client_id: string; institutions: string[] }[];
  };
  const wanted = clients.flatMap((client) =>
    client.institutions.map((institutionNumber) => ({
      clientId: client.client_id,
      institutionNumber,
    })),
  );
  await createPlatformLinkStore(db).replaceConfigLinks(wanted, Date.now());
  await db.raw('VACUUM ANALYZE platform_links');
}

/**
 * One platform used by every school (the worst case for the access rule,
 * which reads a platform's schools at each lookup) and one used by 100.
 */
async function writeClientsFile(db: Db, dir: string) {
  const institutions = await db('enrolments')
    .distinct('institution_number')
    .orderBy('institution_number');
  const file = join(dir, 'clients.json');
  const numbers = institutions.map((row) => row.institution_number as string);
  const client = {
    client_id: BENCH_CLIENT.client_id,
    client_name: 'Bench platform',
    client_secret: BENCH_CLIENT.client_secret,
    redirect_uris: [BENCH_CLIENT.redirect_uri],
    institutions: numbers,
    scopes: ['openid', 'profile', 'leerid', 'offline_access'],
  };
  const small = {
    ...client,
    client_id: SMALL_CLIENT_ID,
    client_name: 'Bench platform of 100 schools',
    institutions: numbers.slice(0, 100),
  };
  writeFileSync(file, JSON.stringify({ clients: [client, small] }));
  return { file, schools: numbers.length, small: small.institutions };
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
