/**
 * Graceful shutdown of `leerid serve` on SIGTERM: a request in flight is
 * still answered, new connections are refused, the privacy log buffer is
 * written before exit, and the process ends with status 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDb } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { freePort, startLeerIdNode, type NodeProcess } from '../../helpers/processes.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { CLIENT, PASSWORD, PUPIL } from './operations.config.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', function () {
  this.timeout(60_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-shutdown-'));
  const databaseUrl = `sqlite:${join(dir, 'leerid.sqlite')}`;
  let node: NodeProcess;
  let issuer: string;

  before(async function () {
    const db = await freshDb(databaseUrl);
    await insertPupil(db, PUPIL);
    await db.destroy();

    writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [CLIENT] }));
    // The privacy log flushes only at shutdown within this test's time.
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ privacyLog: { flushIntervalMs: 10_000 } }),
    );
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    node = await startLeerIdNode(port, {
      LEERID_CONFIG: join(dir, 'config.json'),
      LEERID_ISSUER: issuer,
      LEERID_DATABASE_URL: databaseUrl,
      LEERID_REDIS_URL: '',
      LEERID_CLIENTS_FILE: join(dir, 'clients.json'),
      LEERID_KEYS_DIR: join(dir, 'keys'),
      LEERID_DATA_DIR: dir,
      LEERID_LOG_LEVEL: 'info',
    });
  });

  after(async function () {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new ones, flushes, and exits 0', async function () {
    const rp = await relyingParty(issuer, CLIENT.client_id, CLIENT.client_secret);
    const { page, finish } = await rp.authorize('openid profile');
    await finish(await login(rp.browser, page, PUPIL.username, PASSWORD));

    // A token request whose body is still on its way when SIGTERM arrives.
    const body = 'grant_type=authorization_code&code=not-a-code&redirect_uri=x';
    const inFlight = request(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${CLIENT.client_id}:${CLIENT.client_secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(body.length),
      },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      inFlight.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      inFlight.on('error', reject);
    });
    inFlight.write(body.slice(0, 12));
    await sleep(300);

    const exited = node.stop();
    await sleep(500);
    const refused = await fetch(`${issuer}/healthz`).catch((error: Error) => error);
    expect(refused).to.be.instanceOf(Error);

    inFlight.end(body.slice(12));
    const answer = await answered;
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.text)).to.include({ error: 'invalid_grant' });

    expect(await exited).to.equal(0);
    expect(node.output()).to.match(/"msg":"shut down"/);
    expect(node.output()).to.match(/"requests":"clean"/);

    const db = createDb(databaseUrl);
    try {
      const row = await db('privacy_log').count({ n: '*' }).first();
      expect(Number(row?.n)).to.be.above(0);
    } finally {
      await db.destroy();
    }
  });
});
