/**
 * The oidc-provider adapter contract, run against every storage backend of
 * this run: the SQL store (SQLite or PostgreSQL) and Redis. What oidc-provider
 * relies on: payloads come back as stored, expiry is honoured, the secondary
 * keys find their record, consumption is visible, grants revoke their tokens.
 */
import { expect } from 'chai';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { createAdapterFactory, type AdapterFactory } from '../../src/oidc/adapter.js';
import type { Redis } from '../../src/store/redis.js';
import { contractBackends } from '../helpers/backends.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of contractBackends()) {
  const describeIf = backend.available ? describe : describe.skip;

  describeIf(`oidc adapter contract on ${backend.name}`, function () {
    let close: () => Promise<void>;
    let factory: AdapterFactory;
    let tokens: Adapter;
    let sessions: Adapter;
    let codes: Adapter;
    let redis: Redis | undefined;

    before(async function () {
      const opened = await backend.open();
      close = opened.close;
      redis = opened.redis;
      factory = createAdapterFactory(opened);
      tokens = factory('AccessToken');
      sessions = factory('Session');
      codes = factory('AuthorizationCode');
    });

    after(async function () {
      await close?.();
    });

    it('finds a payload as it was stored and nothing for an unknown id', async function () {
      const payload = { jti: 'at-1', kind: 'AccessToken', accountId: 'p1', scope: 'openid' };
      await tokens.upsert('at-1', payload, 60);

      expect(await tokens.find('at-1')).to.deep.equal(payload);
      expect(await tokens.find('at-unknown')).to.equal(undefined);
    });

    it('finds nothing for an id with a NUL character, as a forged token may carry', async function () {
      await tokens.upsert('at-nul', { jti: 'at-nul', kind: 'AccessToken' }, 60);
      expect(await tokens.find('at-nul\0')).to.equal(undefined);
      expect(await sessions.findByUid('uid\0')).to.equal(undefined);
      await tokens.consume('at-nul\0');
      await tokens.destroy('at-nul\0');
      expect(await tokens.find('at-nul')).to.deep.equal({ jti: 'at-nul', kind: 'AccessToken' });
    });

    it('replaces a payload on a second upsert of the same id', async function () {
      await tokens.upsert('at-2', { jti: 'at-2', scope: 'openid' }, 60);
      await tokens.upsert('at-2', { jti: 'at-2', scope: 'openid profile' }, 60);

      expect(await tokens.find('at-2')).to.deep.equal({ jti: 'at-2', scope: 'openid profile' });
    });

    it('keeps models apart: the same id in two models is two records', async function () {
      await tokens.upsert('shared-id', { kind: 'AccessToken' }, 60);
      await codes.upsert('shared-id', { kind: 'AuthorizationCode' }, 60);

      expect(await tokens.find('shared-id')).to.deep.equal({ kind: 'AccessToken' });
      expect(await codes.find('shared-id')).to.deep.equal({ kind: 'AuthorizationCode' });
    });

    it('forgets a record once its expiresIn has passed', async function () {
      await tokens.upsert('short', { jti: 'short' }, 1);
      await sessions.upsert('s-short', { uid: 'uid-short' }, 1);
      expect(await tokens.find('short')).to.deep.equal({ jti: 'short' });

      await sleep(1200);
      expect(await tokens.find('short')).to.equal(undefined);
      expect(await sessions.findByUid('uid-short')).to.equal(undefined);
    });

    it('finds a session by its uid and a device code by its user code', async function () {
      await sessions.upsert('s-1', { uid: 'uid-1', accountId: 'p1' }, 60);
      const devices = factory('DeviceCode');
      await devices.upsert('d-1', { userCode: 'ABCD-EFGH', grantId: 'g-d' }, 60);

      expect(await sessions.findByUid('uid-1')).to.deep.equal({ uid: 'uid-1', accountId: 'p1' });
      expect(await sessions.findByUid('uid-none')).to.equal(undefined);
      expect(await devices.findByUserCode('ABCD-EFGH')).to.include({ userCode: 'ABCD-EFGH' });
      expect(await devices.findByUserCode('ZZZZ-ZZZZ')).to.equal(undefined);
    });

    it('marks a consumed record with the time in seconds and keeps its payload', async function () {
      await codes.upsert('code-1', { jti: 'code-1', grantId: 'g-c' }, 60);
      const before = Math.floor(Date.now() / 1000);
      await codes.consume('code-1');

      const found = (await codes.find('code-1')) as AdapterPayload;
      expect(found.jti).to.equal('code-1');
      expect(found.consumed)
        .to.be.a('number')
        .within(before - 1, before + 2);
    });

    it('does not create a record when consuming an unknown id', async function () {
      await codes.consume('code-never-stored');
      expect(await codes.find('code-never-stored')).to.equal(undefined);
    });

    it('destroys a record, and its uid then finds nothing', async function () {
      await sessions.upsert('s-2', { uid: 'uid-2' }, 60);
      await sessions.destroy('s-2');

      expect(await sessions.find('s-2')).to.equal(undefined);
      expect(await sessions.findByUid('uid-2')).to.equal(undefined);
    });

    it('revokes every token of a grant across models and leaves other grants', async function () {
      const refresh = factory('RefreshToken');
      await tokens.upsert('at-g1', { grantId: 'g-1' }, 60);
      await refresh.upsert('rt-g1', { grantId: 'g-1' }, 600);
      await codes.upsert('code-g1', { grantId: 'g-1' }, 60);
      await tokens.upsert('at-g2', { grantId: 'g-2' }, 60);

      await tokens.revokeByGrantId('g-1');

      expect(await tokens.find('at-g1')).to.equal(undefined);
      expect(await refresh.find('rt-g1')).to.equal(undefined);
      expect(await codes.find('code-g1')).to.equal(undefined);
      expect(await tokens.find('at-g2')).to.deep.equal({ grantId: 'g-2' });
    });

    it('revokes a grant whose tokens were re-saved and one that has no tokens', async function () {
      await tokens.upsert('at-g3', { grantId: 'g-3', n: 1 }, 60);
      await tokens.upsert('at-g3', { grantId: 'g-3', n: 2 }, 60);
      await tokens.revokeByGrantId('g-3');
      await tokens.revokeByGrantId('g-none');

      expect(await tokens.find('at-g3')).to.equal(undefined);
    });

    if (backend.name !== 'Redis') return;

    it('leaves no Redis key without an expiry (nothing piles up)', async function () {
      if (!redis) throw new Error('no Redis');
      const prefix = redis.options.keyPrefix as string;
      // One SCAN call may return few keys of a busy database: walk the cursor.
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      expect(keys.length).to.be.above(5);

      for (const key of keys) {
        const ttl = await redis.ttl(key.slice(prefix.length));
        expect(ttl, key).to.be.above(0);
      }
    });
  });
}
