/** `leerid migrate`: applies pending schema migrations and exits. */
import { loadConfig } from '../config/load.js';
import { createDb, migrateLatest } from '../store/db.js';

export async function run(): Promise<number> {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    await migrateLatest(db);
    console.log('schema up to date');
    return 0;
  } finally {
    await db.destroy();
  }
}
