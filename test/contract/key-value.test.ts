/**
 * The shared key-value facility (replay caches, rate-limit counters), run
 * against every backend of this run, as the adapter contract is.
 */
import { expect } from 'chai';
import { createKeyValueStore, type KeyValueStore } from '../../src/store/key-value.js';
import { contractBackends } from '../helpers/backends.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of contractBackends()) {
  const describeIf = backend.available ? describe : describe.skip;

  describeIf(`key-value store on ${backend.name}`, function () {
    let close: () => Promise<void>;
    let kv: KeyValueStore;

    before(async function () {
      const opened = await backend.open();
      close = opened.close;
      kv = createKeyValueStore(opened);
    });

    after(async function () {
      await close?.();
    });

    it('gets what was set, and nothing for an unknown or deleted key', async function () {
      await kv.set('a', 'one', 60);
      await kv.set('a', 'two', 60);
      expect(await kv.get('a')).to.equal('two');
      expect(await kv.get('unknown')).to.equal(undefined);

      await kv.delete('a');
      expect(await kv.get('a')).to.equal(undefined);
    });

    it('takes any characters in a key, NUL and % included, and keeps such keys apart', async function () {
      const keys = ['odd:a\0b', 'odd:a%00b', 'odd:a%b', 'odd:ab'];
      for (const [i, key] of keys.entries()) await kv.set(key, `v${i}`, 60);
      expect(await kv.getMany(keys)).to.deep.equal(['v0', 'v1', 'v2', 'v3']);

      expect(await kv.increment('odd:n\0', 60)).to.equal(1);
      expect(await kv.setIfAbsent('odd:once\0', '1', 60)).to.equal(true);
      expect(await kv.take('odd:a\0b')).to.equal('v0');
      await kv.delete('odd:a%00b');
      expect(await kv.getMany(keys)).to.deep.equal([undefined, undefined, 'v2', 'v3']);
    });

    it('gets several keys at once, in the order asked, counters as numbers', async function () {
      await kv.set('many:a', 'one', 60);
      await kv.increment('many:n', 60);
      expect(await kv.getMany(['many:n', 'many:unknown', 'many:a', 'many:a'])).to.deep.equal([
        '1',
        undefined,
        'one',
        'one',
      ]);
      expect(await kv.getMany([])).to.deep.equal([]);
    });

    it('sets a key only once while it lives, even under concurrent calls', async function () {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => kv.setIfAbsent('replay', `v${i}`, 60)),
      );
      expect(results.filter(Boolean)).to.have.length(1);
      expect(await kv.setIfAbsent('replay', 'again', 60)).to.equal(false);
    });

    it('hands a value to one of two concurrent takers only, then forgets it', async function () {
      await kv.set('take:a', 'only-once', 60);
      const results = await Promise.all([kv.take('take:a'), kv.take('take:a')]);
      expect(results.filter((value) => value !== undefined)).to.deep.equal(['only-once']);
      expect(await kv.get('take:a')).to.equal(undefined);
      expect(await kv.take('take:unknown')).to.equal(undefined);
    });

    it('counts concurrent increments without losing one', async function () {
      const counts = await Promise.all(
        Array.from({ length: 20 }, () => kv.increment('counter', 60)),
      );
      expect([...counts].sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('forgets values and starts counters afresh when the time is up', async function () {
      await kv.set('short', 'x', 1);
      await kv.setIfAbsent('short-nx', 'x', 1);
      await kv.increment('short-count', 1);
      await kv.increment('short-count', 1);

      await sleep(1200);
      expect(await kv.get('short')).to.equal(undefined);
      expect(await kv.getMany(['short', 'short-count'])).to.deep.equal([undefined, undefined]);
      expect(await kv.setIfAbsent('short-nx', 'y', 60)).to.equal(true);
      expect(await kv.increment('short-count', 60)).to.equal(1);
    });
  });
}
