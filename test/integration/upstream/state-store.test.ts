/**
 * The upstream state store on every backend of this run: single use, replay
 * memory, and (on the SQL store, whose clock a test can move) expiry.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { createKeyValueStore } from '../../../src/store/key-value.js';
import {
  createSqlKeyValueStore,
  deleteExpiredKeyValues,
} from '../../../src/store/key-value-sql.js';
import {
  createUpstreamStateStore,
  type UpstreamStateStore,
} from '../../../src/store/upstream-state.js';
import { contractBackends } from '../../helpers/backends.js';
import { freshDb } from '../../helpers/db.js';

for (const backend of contractBackends()) {
  const describeIf = backend.available ? describe : describe.skip;

  describeIf(`upstream state store on ${backend.name}`, function () {
    let close: () => Promise<void>;
    let store: UpstreamStateStore;

    before(async function () {
      const opened = await backend.open();
      close = opened.close;
      store = createUpstreamStateStore(createKeyValueStore(opened));
    });

    after(async function () {
      await close?.();
    });

    it('hands a value to one of two concurrent takers only', async function () {
      await store.put('saml:request:_a', '{"interactionUid":"x"}', 60);
      const results = await Promise.all([
        store.take('saml:request:_a'),
        store.take('saml:request:_a'),
      ]);
      expect(results.filter((value) => value !== undefined)).to.have.length(1);
      expect(await store.get('saml:request:_a')).to.equal(undefined);
    });

    it('remembers a key once', async function () {
      expect(await store.remember('saml:assertion:1', 60)).to.equal(true);
      expect(await store.remember('saml:assertion:1', 60)).to.equal(false);
    });
  });
}

describe('upstream state store expiry (SQL)', function () {
  let db: Db;
  let store: UpstreamStateStore;
  let now = 1_000_000;

  before(async function () {
    db = await freshDb();
    store = createUpstreamStateStore(createSqlKeyValueStore(db, () => now));
  });

  after(async function () {
    await db?.destroy();
  });

  it('remembers a key again once it has expired', async function () {
    expect(await store.remember('saml:assertion:2', 60)).to.equal(true);
    now += 61_000;
    expect(await store.remember('saml:assertion:2', 60)).to.equal(true);
  });

  it('reads an expired entry as absent and sweeps it', async function () {
    await store.put('outcome:u', '{}', 10);
    now += 11_000;
    expect(await store.get('outcome:u')).to.equal(undefined);
    expect(await store.take('outcome:u')).to.equal(undefined);
    expect(await deleteExpiredKeyValues(db, now)).to.be.greaterThan(0);
    expect(await db('key_values').where('key', 'upstream:outcome:u')).to.deep.equal([]);
  });
});
