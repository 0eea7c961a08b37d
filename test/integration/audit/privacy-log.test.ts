/**
 * The privacy log: a login records exactly what was released, verify
 * pinpoints every kind of tampering done in the database, exports filter,
 * and purging old days leaves a log that still verifies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import * as oidc from 'openid-client';
import {
  closedHeads,
  createPrivacyLogWriter,
  exportEntries,
  purgePartitions,
  verifyPrivacyLog,
  type LogFilter,
  type PrivacyEvent,
} from '../../../src/audit/index.js';
import { createDb, type Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, TEST_PRIVACY_LOG_KEY as KEY } from '../../helpers/server.js';
import { CLIENTS, NOW, PASSWORD, PUPILS } from '../oidc/login-flow.config.js';

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

function event(overrides: Partial<PrivacyEvent> = {}): PrivacyEvent {
  return {
    kind: 'disclosure.id_token',
    actorType: 'client',
    actor: 'platform-a',
    pupilId: '00000000-0000-4000-8000-000000000001',
    purpose: 'test',
    data: { claims: ['sub'] },
    ...overrides,
  };
}

/** Writes `events` through the real writer and waits until they are stored. */
async function write(db: Db, events: PrivacyEvent[]) {
  const writer = createPrivacyLogWriter(db, { key: KEY, flushIntervalMs: 10_000 });
  for (const e of events) writer.record(e);
  await writer.close();
}

async function exported(db: Db, filter: LogFilter, format: 'csv' | 'jsonl') {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  await exportEntries(db, filter, format, sink);
  return text;
}

describe('privacy log', function () {
  describe('at login', function () {
    let db: Db;

    before(async function () {
      db = await freshDb();
    });

    after(async function () {
      await db?.destroy();
    });

    it('records exactly the claims released in the ID token and at userinfo', async function () {
      const pupilId = await insertPupil(db, PUPILS.twoSchools);
      const server = await startServer({ db, clients: CLIENTS, clock: () => NOW });
      try {
        const secret = CLIENTS.find((c) => c.client_id === 'platform-insz')?.client_secret;
        const rp = await relyingParty(server.issuer, 'platform-insz', secret);
        const { page, finish } = await rp.authorize('openid profile leerid insz');
        const tokens = await finish(
          await login(rp.browser, page, PUPILS.twoSchools.username, PASSWORD),
        );
        const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, pupilId);
        await server.app.services.privacyLog.flush();

        const rows = await db('privacy_log').orderBy('position');
        expect(rows.map((row) => row.kind)).to.deep.equal([
          'disclosure.id_token',
          'disclosure.userinfo',
        ]);
        const released = Object.keys(userinfo).sort();
        for (const row of rows) {
          expect(row.actor).to.equal('platform-insz');
          expect(row.pupil_id).to.equal(pupilId);
          expect(row.legal_basis).to.match(/^Decreet/);
          expect(JSON.parse(row.data)).to.deep.equal({
            claims: released,
            institutions: ['000101', '000202'],
          });
        }
        expect(released).to.include('insz');
        expect(JSON.stringify(rows)).not.to.contain(PUPILS.twoSchools.insz);
        expect(JSON.stringify(rows)).not.to.contain('Vandenbroeck');
      } finally {
        await server.close();
      }
    });
  });

  describe('sync runs', function () {
    it('records each applied run, with counts and no personal data', async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(join(tmpdir(), 'leerid-sync-log-'));
      const url = `sqlite:${join(dir, 'leerid.sqlite')}`;
      const sync = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sync', ...args], {
          encoding: 'utf8',
          env: { ...process.env, LEERID_DATABASE_URL: url, LEERID_KEYS_DIR: join(dir, 'keys') },
        });

      expect(sync('test/fixtures/dumps/valid/night-1.csv').status).to.equal(0);
      expect(sync('--dry-run', '--force', 'test/fixtures/dumps/valid/night-2.csv').status).to.equal(
        0,
      );

      const db = createDb(url);
      try {
        const rows = await db('privacy_log').where({ kind: 'sync.run' });
        expect(rows).to.have.length(1);
        expect(rows[0]).to.include({ actor_type: 'system', actor: 'leerid', pupil_id: null });
        const data = JSON.parse(rows[0].data);
        expect(data.file).to.equal('night-1.csv');
        expect(data.pupils.new).to.be.greaterThan(0);
        expect(rows[0].data).not.to.match(/Janssens|[0-9]{11}/);
      } finally {
        await db.destroy();
      }
    });

    it('checks the key before the run: a bad or missing one applies nothing', async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(join(tmpdir(), 'leerid-sync-key-'));
      const url = `sqlite:${join(dir, 'leerid.sqlite')}`;
      const sync = (env: Record<string, string>, dump: string) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sync', dump], {
          encoding: 'utf8',
          env: { ...process.env, LEERID_DATABASE_URL: url, ...env },
        });
      const pupils = async () => {
        const db = createDb(url);
        try {
          return Number((await db('pupils').count({ n: '*' }))[0]?.n);
        } finally {
          await db.destroy();
        }
      };

      const short = sync(
        { LEERID_PRIVACY_LOG_KEY: 'c2hvcnQ=' },
        'test/fixtures/dumps/valid/night-1.csv',
      );
      expect(short.status).to.equal(1);
      expect(short.stderr).to.contain('the privacy log key needs 32 bytes');
      expect(await pupils()).to.equal(0);

      const keys = join(dir, 'keys');
      const first = sync({ LEERID_KEYS_DIR: keys }, 'test/fixtures/dumps/valid/night-1.csv');
      expect(first.status).to.equal(0);
      const before = await pupils();

      // Another folder without the key, as a run from another working directory sees it.
      const elsewhere = join(dir, 'elsewhere');
      const second = sync({ LEERID_KEYS_DIR: elsewhere }, 'test/fixtures/dumps/valid/night-2.csv');
      expect(second.status).to.equal(1);
      expect(second.stderr).to.contain('the privacy log already has entries');
      expect(existsSync(elsewhere)).to.equal(false);
      expect(await pupils()).to.equal(before);
    });
  });

  describe('verify', function () {
    let db: Db;

    beforeEach(async function () {
      db = await freshDb();
      const day1 = [1, 2, 3, 4, 5].map((i) => event({ at: T0 + i, purpose: `day1-${i}` }));
      const day2 = [1, 2, 3].map((i) => event({ at: T0 + DAY + i, purpose: `day2-${i}` }));
      await write(db, [...day1, ...day2]);
    });

    afterEach(async function () {
      await db?.destroy();
    });

    const day1 = '2026-03-01';

    it('passes on an intact log', async function () {
      const report = await verifyPrivacyLog(db, KEY);
      expect(report).to.deep.include({ ok: true, entries: 8, partitions: 2 });
    });

    it('continues one chain across batches and nodes writing the same day', async function () {
      await write(db, [event({ at: T0 + 10 })]);
      await write(db, [event({ at: T0 + 11 }), event({ at: T0 + 12 })]);
      const report = await verifyPrivacyLog(db, KEY);
      expect(report.ok).to.equal(true);
      expect(report.entries).to.equal(11);
    });

    it('pinpoints a modified entry', async function () {
      await db('privacy_log').where({ partition: day1, position: 3 }).update({ actor: 'someone' });
      const { ok, problems } = await verifyPrivacyLog(db, KEY);
      expect(ok).to.equal(false);
      expect(problems).to.deep.equal([
        {
          partition: day1,
          position: 3,
          kind: 'modified',
          message: 'content does not match its hash',
        },
      ]);
    });

    it('pinpoints a deleted entry in the middle and at the end', async function () {
      await db('privacy_log').where({ partition: day1, position: 2 }).delete();
      await db('privacy_log').where({ partition: day1, position: 5 }).delete();
      const { problems } = await verifyPrivacyLog(db, KEY);
      expect(problems.map((p) => [p.partition, p.position, p.kind])).to.deep.equal([
        [day1, 3, 'missing'],
        [day1, 5, 'missing'],
      ]);
      expect(problems[0]?.message).to.equal('entries 2…2 were deleted');
    });

    it('pinpoints an inserted entry, even one with a plausible-looking hash', async function () {
      const last = await db('privacy_log').where({ partition: day1, position: 5 }).first();
      await db('privacy_log').insert({
        ...last,
        position: 6,
        actor: 'intruder',
        prev_hash: last.hash,
      });
      const { problems } = await verifyPrivacyLog(db, KEY);
      expect(problems.map((p) => [p.position, p.kind])).to.deep.equal([
        [6, 'modified'],
        [6, 'inserted'],
      ]);
    });

    it('pinpoints entries renumbered to hide a deletion', async function () {
      await db('privacy_log').where({ partition: day1, position: 2 }).delete();
      for (const position of [3, 4, 5]) {
        await db('privacy_log')
          .where({ partition: day1, position })
          .update({ position: position + 100 });
        await db('privacy_log')
          .where({ partition: day1, position: position + 100 })
          .update({ position: position - 1 });
      }
      const { problems } = await verifyPrivacyLog(db, KEY);
      expect(problems[0]).to.include({ partition: day1, position: 2, kind: 'modified' });
    });

    it('detects a deleted tail whose recorded head was rewound, through anchors', async function () {
      const anchors = await closedHeads(db, T0 + 3 * DAY);
      const fourth = await db('privacy_log').where({ partition: day1, position: 4 }).first();
      await db('privacy_log').where({ partition: day1, position: 5 }).delete();
      await db('privacy_log_heads')
        .where({ partition: day1 })
        .update({ count: 4, head_hash: fourth.hash });

      expect((await verifyPrivacyLog(db, KEY)).ok).to.equal(true);
      const { problems } = await verifyPrivacyLog(db, KEY, anchors);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ partition: day1, kind: 'anchor_mismatch' });
    });

    it('purges whole old days and still verifies', async function () {
      const dryRun = await purgePartitions(db, {
        retentionDays: 1,
        now: T0 + 2 * DAY,
        dryRun: true,
      });
      expect(dryRun).to.deep.equal({ partitions: [day1], entries: 5 });
      expect(await db('privacy_log').count({ n: '*' }).first()).to.deep.include({ n: 8 });

      await purgePartitions(db, { retentionDays: 1, now: T0 + 2 * DAY });
      const report = await verifyPrivacyLog(db, KEY);
      expect(report).to.deep.include({ ok: true, entries: 3, partitions: 1 });
    });
  });

  describe('export', function () {
    let db: Db;
    const pupilA = '00000000-0000-4000-8000-00000000000a';
    const pupilB = '00000000-0000-4000-8000-00000000000b';

    before(async function () {
      db = await freshDb();
      await write(db, [
        event({ at: T0, pupilId: pupilA, actor: 'platform-a' }),
        event({ at: T0 + DAY, pupilId: pupilB, actor: 'platform-b' }),
        event({
          at: T0 + 2 * DAY,
          pupilId: pupilA,
          actor: 'admin-1',
          actorType: 'admin',
          kind: 'admin.view',
        }),
      ]);
    });

    after(async function () {
      await db?.destroy();
    });

    it('filters by pupil, client, actor and period, in JSON lines', async function () {
      const lines = async (filter: LogFilter) =>
        (await exported(db, filter, 'jsonl'))
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { actor: string; pupil_id: string });

      expect((await lines({ pupilId: pupilA })).map((e) => e.actor)).to.deep.equal([
        'platform-a',
        'admin-1',
      ]);
      expect((await lines({ clientId: 'platform-b' })).map((e) => e.pupil_id)).to.deep.equal([
        pupilB,
      ]);
      expect((await lines({ actor: 'admin-1' })).map((e) => e.pupil_id)).to.deep.equal([pupilA]);
      expect((await lines({ from: T0 + 1, to: T0 + 2 * DAY })).map((e) => e.actor)).to.deep.equal([
        'platform-b',
      ]);
      expect(await lines({ clientId: 'admin-1' })).to.deep.equal([]);
    });

    it('writes CSV with a header and one row per entry', async function () {
      const records = parse(await exported(db, { pupilId: pupilA }, 'csv'), { columns: true });
      expect(records).to.have.length(2);
      expect(records[0]).to.include({ actor: 'platform-a', kind: 'disclosure.id_token' });
      expect(records[1]).to.include({
        actor_type: 'admin',
        at: new Date(T0 + 2 * DAY).toISOString(),
      });
    });
  });
});
