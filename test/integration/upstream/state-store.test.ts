/** The upstream state store on the SQL backend: single use, replay memory, expiry. */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import {
  createSqlUpstreamStateStore,
  deleteExpiredUpstreamState,
  type UpstreamStateStore,
} from '../../../src/store/upstream-state.js';
import { freshDb } from '../../helpers/db.js';

describe('upstream state store (SQL)', function () {
  let db: Db;
  let store: UpstreamStateStore;
  let now = 1_000_000;

  before(async function () {
    db = await freshDb();
    store = createSqlUpstreamStateStore(db, () => now);
  });

  after(async function () {
    await db?.destroy();
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

  it('remembers a key once until it expires', async function () {
    expect(await store.remember('saml:assertion:1', 60)).to.equal(true);
    expect(await store.remember('saml:assertion:1', 60)).to.equal(false);
    now += 61_000;
    expect(await store.remember('saml:assertion:1', 60)).to.equal(true);
  });

  it('reads an expired entry as absent and sweeps it', async function () {
    await store.put('outcome:u', '{}', 10);
    now += 11_000;
    expect(await store.get('outcome:u')).to.equal(undefined);
    expect(await store.take('outcome:u')).to.equal(undefined);
    expect(await deleteExpiredUpstreamState(db, now)).to.be.greaterThan(0);
    expect(await db('upstream_state').where('key', 'outcome:u')).to.deep.equal([]);
  });
});
