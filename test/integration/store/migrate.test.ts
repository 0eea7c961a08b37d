import { expect } from 'chai';
import { migrationSource } from '../../../migrations/index.js';
import { createDb, dialectOf, migrateLatest } from '../../../src/store/db.js';
import { TEST_DATABASE_URL } from '../../helpers/db.js';

describe('migrateLatest', () => {
  it('PostgreSQL: several processes migrating a new database at once all succeed', async function () {
    this.timeout(60_000);
    if (!TEST_DATABASE_URL.startsWith('postgres')) this.skip();
    // A schema of its own, never migrated, as a new database is.
    const schema = `leerid_migrate_${process.pid}`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const admin = createDb(url.toString());
    const expected = (await migrationSource.getMigrations([])).length;

    try {
      for (let round = 0; round < 3; round++) {
        await admin.raw('drop schema if exists ?? cascade', [schema]);
        await admin.raw('create schema ??', [schema]);
        const nodes = [0, 1, 2].map(() => createDb(url.toString(), { pool: 3 }));
        try {
          expect(dialectOf(nodes[0]!)).to.equal('pg');
          await Promise.all(nodes.map((db) => migrateLatest(db)));
        } finally {
          await Promise.all(nodes.map((db) => db.destroy()));
        }
        const [row] = await admin('knex_migrations').count({ n: '*' });
        expect(Number(row?.n)).to.equal(expected);
      }
    } finally {
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    }
  });
});
