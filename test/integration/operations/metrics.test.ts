/**
 * /metrics: logins by method and outcome, tokens by client, request latency
 * by route, dependency state, and sync runs (recorded in process and read
 * from the run log), in the Prometheus text format.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { recordSyncRun } from '../../../src/metrics/sync.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENT, PASSWORD, PUPIL } from './operations.config.js';

const TOKEN = 'metrics-token-for-the-test-0123456789';

/** The sum of the samples whose labels include `labels`; 0 when there are none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('metrics', function () {
  let db: Db;
  let server: TestServer;

  before(async function () {
    db = await freshDb();
    await insertPupil(db, PUPIL);
    server = await startServer({ db, clients: [CLIENT], config: { metricsToken: TOKEN } });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  const scrape = async () => {
    const response = await fetch(`${server.issuer}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    return response.text();
  };

  it('answers only a scraper with the token', async function () {
    expect((await fetch(`${server.issuer}/metrics`)).status).to.equal(401);
    const wrong = await fetch(`${server.issuer}/metrics`, {
      headers: { authorization: 'Bearer not-the-token-but-as-long-as-it' },
    });
    expect(wrong.status).to.equal(401);
  });

  it('counts logins by outcome, tokens by client, and times requests by route', async function () {
    const before = await scrape();
    const rp = await relyingParty(server.issuer, CLIENT.client_id, CLIENT.client_secret);
    const { page, finish } = await rp.authorize('openid');
    await login(rp.browser, page, PUPIL.username, 'wrong-password');
    await finish(await login(rp.browser, page, PUPIL.username, PASSWORD));
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('leerid_logins_total', { method: 'password', outcome: 'success' })).to.equal(1);
    expect(
      delta('leerid_logins_total', { method: 'password', outcome: 'invalid_credentials' }),
    ).to.equal(1);
    expect(
      delta('leerid_tokens_issued_total', {
        client: CLIENT.client_id,
        grant_type: 'authorization_code',
      }),
    ).to.equal(1);
    expect(
      delta('leerid_http_request_duration_seconds_count', { route: 'token', status: '200' }),
    ).to.equal(1);
    expect(
      delta('leerid_http_request_duration_seconds_count', {
        route: '/interaction/:uid/login',
        method: 'POST',
      }),
    ).to.equal(2);
    expect(sample(after, 'leerid_dependency_up', { dependency: 'database' })).to.equal(1);
    expect(sample(after, 'leerid_process_cpu_seconds_total')).to.be.above(0);
  });

  it('shows sync runs recorded in process and the last run of the run log', async function () {
    recordSyncRun({ outcome: 'applied', durationSeconds: 42, counts: { 'pupils.new': 7 } });
    await db('sync_runs').insert({
      file: 'dump.csv.gz',
      started_at: Date.parse('2026-12-03T00:00:00Z'),
      finished_at: Date.parse('2026-12-03T00:31:00Z'),
      outcome: 'applied',
      rows: 100,
      counts: JSON.stringify({ pupils: { new: 3, gone: 1 }, guards: { endedShare: 0.01 } }),
    });

    const text = await scrape();
    expect(
      sample(text, 'leerid_sync_duration_seconds_count', { outcome: 'applied' }),
    ).to.be.at.least(1);
    expect(sample(text, 'leerid_sync_changes_total', { change: 'pupils.new' })).to.be.at.least(7);
    expect(sample(text, 'leerid_sync_last_duration_seconds')).to.equal(31 * 60);
    expect(sample(text, 'leerid_sync_last_changes', { change: 'pupils.new' })).to.equal(3);
    expect(sample(text, 'leerid_sync_last_changes', { change: 'guards.endedShare' })).to.equal(0);
    expect(
      sample(text, 'leerid_sync_last_finished_timestamp_seconds', { outcome: 'applied' }),
    ).to.equal(Date.parse('2026-12-03T00:31:00Z') / 1000);
  });
});
