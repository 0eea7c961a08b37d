/**
 * Demo data for the embedded default: on an empty store, a synthetic
 * Discimus dump is generated and imported, and the four fixed demo pupils
 * get a known password. Never touches a store that already holds pupils.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../accounts/passwords.js';
import type { Config } from '../config/schema.js';
import { DEMO_INSTITUTIONS, DEMO_PUPILS, writeDemoDump } from '../demo/index.js';
import { makeDemoAdmin, type DemoAdmin } from '../admin/demo-admin.js';
import type { Db } from '../store/db.js';
import { runSync } from '../sync/index.js';
import { todayIn } from '../util/dates.js';

export const DEMO_PASSWORD = 'demo-wachtwoord';
const DEMO_PUPIL_COUNT = 2000;

/** The console's demo administrator: the first demo school, a new password each start. */
export function demoAdministrator(): DemoAdmin {
  return makeDemoAdmin((DEMO_INSTITUTIONS[0] as { number: string }).number);
}

export interface DemoLogin {
  username: string;
  situation: string;
}

export async function seedDemo(db: Db, config: Config): Promise<DemoLogin[]> {
  const row = await db('pupils').count({ n: '*' }).first();
  if (Number(row?.n ?? 0) === 0) {
    const now = new Date();
    const dump = join(config.dataDir, 'demo-dump.csv.gz');
    // On SQLite the database file made the folder already; on PostgreSQL nothing has.
    mkdirSync(config.dataDir, { recursive: true });
    await writeDemoDump({
      pupils: DEMO_PUPIL_COUNT,
      out: dump,
      today: todayIn(config.timezone, now),
    });
    await runSync(db, dump, {
      now,
      timezone: config.timezone,
      maxEndedShare: config.sync.maxEndedShare,
      minSizeRatio: config.sync.minSizeRatio,
      usernameScheme: config.accounts.usernameScheme,
    });
  }

  const logins: DemoLogin[] = [];
  for (const fact of Object.values(DEMO_PUPILS)) {
    const account = await db('accounts')
      .join('pupils', 'pupils.id', 'accounts.pupil_id')
      .select('accounts.pupil_id', 'accounts.username', 'accounts.password_hash')
      .where('pupils.discimus_id', fact.discimusId)
      .first();
    if (!account) continue;

    if (!account.password_hash) {
      await db('accounts')
        .where({ pupil_id: account.pupil_id })
        .update({ password_hash: await hashPassword(DEMO_PASSWORD), updated_at: Date.now() });
    }
    logins.push({ username: account.username, situation: fact.situation });
  }
  return logins;
}
