/** Which keys sign, which only verify, and when a replaced key is retired. */
import { expect } from 'chai';
import {
  addSigningKeys,
  parseDuration,
  retireCookieKeys,
  retireSigningKeys,
  signingKids,
} from '../../../src/oidc/key-rotation.js';
import type { StoredJwk } from '../../../src/oidc/keys.js';

const key = (kid: string, alg: string, created?: string): StoredJwk => ({
  kid,
  alg,
  ...(created ? { created } : {}),
});
const NOW = new Date('2026-12-10T12:00:00Z');
const DAY = 86_400_000;

describe('key rotation', function () {
  it('lets the newest key of each algorithm sign and keeps the older ones', function () {
    const keys = addSigningKeys(
      [key('rsa-1', 'RS256', '2026-11-01T00:00:00Z'), key('ec-1', 'ES256', '2026-11-01T00:00:00Z')],
      [key('rsa-2', 'RS256', '2026-12-09T12:00:00Z'), key('ec-2', 'ES256', '2026-12-09T12:00:00Z')],
    );
    expect([...signingKids(keys)]).to.deep.equal(['rsa-2', 'ec-2']);
    expect(keys.map((k) => k.kid)).to.deep.equal(['rsa-2', 'ec-2', 'rsa-1', 'ec-1']);
  });

  it('retires a replaced key only once its successor has signed for the overlap', function () {
    const keys = [
      key('rsa-3', 'RS256', '2026-12-09T12:00:00Z'),
      key('rsa-2', 'RS256', '2026-12-01T00:00:00Z'),
      key('rsa-1', 'RS256', '2026-11-01T00:00:00Z'),
    ];
    // rsa-2 was replaced one day ago, rsa-1 nine days ago.
    expect(retireSigningKeys(keys, NOW, 2 * DAY).retired.map((k) => k.kid)).to.deep.equal([
      'rsa-1',
    ]);
    expect(retireSigningKeys(keys, NOW, 0).keys.map((k) => k.kid)).to.deep.equal(['rsa-3']);
  });

  it('never retires the key that signs, however old', function () {
    const keys = [key('rsa-old', 'RS256', '2020-01-01T00:00:00Z'), key('ec-old', 'ES256')];
    expect(retireSigningKeys(keys, NOW, 0).keys).to.have.length(2);
  });

  it('treats a key of unknown age as old enough to retire once replaced', function () {
    const keys = [key('rsa-new', 'RS256', '2026-12-10T11:00:00Z'), key('rsa-legacy', 'RS256')];
    expect(retireSigningKeys(keys, NOW, 0).retired.map((k) => k.kid)).to.deep.equal(['rsa-legacy']);
    expect(retireSigningKeys(keys, NOW, DAY).retired).to.deep.equal([]);
  });

  it('rotates cookie keys the same way', function () {
    const cookies = [
      { key: 'c3', created: '2026-12-10T11:00:00Z' },
      { key: 'c2', created: '2026-12-01T00:00:00Z' },
      { key: 'c1' },
    ];
    expect(retireCookieKeys(cookies, NOW, DAY).keys.map((c) => c.key)).to.deep.equal(['c3', 'c2']);
    expect(retireCookieKeys(cookies, NOW, 0).keys.map((c) => c.key)).to.deep.equal(['c3']);
  });

  it('reads durations in seconds, minutes, hours and days', function () {
    expect(parseDuration('90')).to.equal(90_000);
    expect(parseDuration('30m')).to.equal(1_800_000);
    expect(parseDuration('36h')).to.equal(36 * 3_600_000);
    expect(parseDuration('7d')).to.equal(7 * DAY);
    expect(parseDuration('7 weeks')).to.equal(undefined);
  });
});
