/** Mocha root hooks: drop this process's PostgreSQL test schema at the end. */
import { createDb } from '../../src/store/db.js';
import { TEST_DATABASE_URL, TEST_SCHEMA } from './db.js';

export const mochaHooks = {
  async afterAll() {
    if (!TEST_DATABASE_URL.startsWith('postgres')) return;
    const db = createDb(TEST_DATABASE_URL);
    try {
      await db.raw('drop schema if exists ?? cascade', [TEST_SCHEMA]);
    } finally {
      await db.destroy();
    }
  },
};
