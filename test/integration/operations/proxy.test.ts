/**
 * Behind reverse proxies: proxyHops decides which X-Forwarded-For entry is
 * the client. The per-IP throttle must count that address, never one the
 * client wrote itself, or forged headers buy a fresh limit per request (or
 * lock out a whole school by naming its address).
 */
import { expect } from 'chai';
import { loadConfig, resolveConfig } from '../../../src/config/load.js';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { errorOf } from '../../helpers/errors.js';
import { insertPupil } from '../../helpers/factories.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENT, PUPIL } from './operations.config.js';

const FORGED = '203.0.113.7';
const CLIENT_IP = '198.51.100.23';

/** One wrong current password on the self-service form: a passwordIp failure. */
async function failPassword(server: TestServer, headers: Record<string, string>) {
  const port = (server.server.address() as { port: number }).port;
  const response = await fetch(`http://127.0.0.1:${port}/account/wachtwoord`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: PUPIL.username,
      password: 'not-the-password',
      new_password: 'a-new-password-of-enough-length',
      repeat_password: 'a-new-password-of-enough-length',
    }).toString(),
  });
  expect(response.status).to.be.within(400, 499);
}

/** Failures the passwordIp rule holds for `ip`, read from the shared store. */
async function counted(server: TestServer, ip: string): Promise<number> {
  return Number((await server.app.services.kv.get(`throttle:passwordIp:${ip}:n`)) ?? 0);
}

async function discovery(server: TestServer, headers: Record<string, string>) {
  const port = (server.server.address() as { port: number }).port;
  const response = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`, {
    headers,
  });
  return (await response.json()) as { authorization_endpoint: string };
}

describe('client address behind reverse proxies', function () {
  let db: Db;

  before(async function () {
    db = await freshDb();
    await insertPupil(db, PUPIL);
  });

  after(async function () {
    await db?.destroy();
  });

  describe('with no proxy (proxyHops 0)', function () {
    let server: TestServer;

    before(async function () {
      server = await startServer({ db, clients: [CLIENT] });
    });

    after(async function () {
      await server?.close();
    });

    it('counts a failure against the socket address, whatever X-Forwarded-For says', async function () {
      const before = await counted(server, '127.0.0.1');
      await failPassword(server, { 'x-forwarded-for': FORGED });

      expect(await counted(server, '127.0.0.1')).to.equal(before + 1);
      expect(await counted(server, FORGED)).to.equal(0);
    });

    it('ignores X-Forwarded-Proto and -Host in the URLs it publishes', async function () {
      const document = await discovery(server, {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'elsewhere.test',
      });
      expect(document.authorization_endpoint.startsWith(`${server.issuer}/`)).to.equal(true);
    });
  });

  describe('behind one proxy (proxyHops 1)', function () {
    let server: TestServer;
    // As the TLS-terminating proxy sends them: scheme and host of the issuer.
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'leerid.test' };

    before(async function () {
      server = await startServer({
        db,
        clients: [CLIENT],
        config: { issuer: 'https://leerid.test', proxyHops: 1 },
      });
    });

    after(async function () {
      await server?.close();
    });

    it('counts the address the proxy appended, not a forged one on the left', async function () {
      const before = await counted(server, CLIENT_IP);
      await failPassword(server, { ...proxied, 'x-forwarded-for': `${FORGED}, ${CLIENT_IP}` });
      // A new forged address per request no longer buys a new counter.
      await failPassword(server, { ...proxied, 'x-forwarded-for': `203.0.113.8, ${CLIENT_IP}` });

      expect(await counted(server, CLIENT_IP)).to.equal(before + 2);
      expect(await counted(server, FORGED)).to.equal(0);
      expect(await counted(server, '203.0.113.8')).to.equal(0);
    });

    it('trusts the proxy for the scheme, so an https issuer publishes https URLs', async function () {
      const document = await discovery(server, proxied);
      expect(document.authorization_endpoint.startsWith('https://leerid.test/')).to.equal(true);
    });
  });

  describe('the proxyHops setting', function () {
    it('reads LEERID_PROXY_HOPS', function () {
      expect(loadConfig({ LEERID_PROXY_HOPS: '2' }).proxyHops).to.equal(2);
      expect(loadConfig({}).proxyHops).to.equal(0);
    });

    it('refuses a count that is not a whole number from 0 to 10, naming the setting', function () {
      for (const env of [{ LEERID_PROXY_HOPS: 'one' }, { LEERID_PROXY_HOPS: '1.5' }]) {
        const error = errorOf(() => loadConfig(env));
        expect(error.code).to.equal('config.invalid');
        expect(error.message).to.contain('proxyHops: the number of trusted reverse proxies');
      }
      for (const proxyHops of [-1, 11]) {
        const error = errorOf(() => resolveConfig({ proxyHops }));
        expect(error.code).to.equal('config.invalid');
        expect(error.message).to.contain('proxyHops');
      }
    });

    it('refuses an https issuer with no proxy to tell it the scheme', function () {
      const error = errorOf(() => resolveConfig({ issuer: 'https://leerid.test' }));
      expect(error.code).to.equal('config.invalid');
      expect(error.message).to.contain('proxyHops').and.to.contain('LEERID_PROXY_HOPS');
      expect(resolveConfig({ issuer: 'https://leerid.test', proxyHops: 1 }).proxyHops).to.equal(1);
    });
  });
});
