/**
 * Benchmark (not a test): full login flows per second with the privacy log
 * on and with it replaced by a writer that drops everything, in one run.
 * Each flow is authorize -> login form with a real argon2id check -> code
 * -> token -> userinfo, driven by openid-client.
 *
 *   npm run bench:privacy-log [-- --seconds 8 --concurrency 4]
 */
import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import type { PrivacyLogWriter } from '../src/audit/writer.js';
import { hashPassword } from '../src/accounts/passwords.js';
import { freshDb } from '../test/helpers/db.js';
import { insertPupil } from '../test/helpers/factories.js';
import { login, relyingParty } from '../test/helpers/relying-party.js';
import { startServer } from '../test/helpers/server.js';
import { CLIENTS, NOW, PASSWORD, SCHOOL_A } from '../test/integration/oidc/login-flow.config.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '4' },
    pupils: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const PUPILS = Number(values.pupils);

const droppingWriter: PrivacyLogWriter = {
  record: () => undefined,
  flush: async () => undefined,
  close: async () => undefined,
  pending: () => 0,
};

async function seed() {
  const db = await freshDb(process.env.LEERID_BENCH_DATABASE_URL ?? 'sqlite::memory:');
  const hash = await hashPassword(PASSWORD);
  for (let i = 0; i < PUPILS; i += 1) {
    const id = await insertPupil(db, {
      givenName: `Bench${i}`,
      familyName: 'Pupil',
      username: `bench.${i}`,
      enrolments: [{ institution: SCHOOL_A }],
    });
    await db('accounts').where({ pupil_id: id }).update({ password_hash: hash });
  }
  return db;
}

async function measure(label: string, privacyLog: PrivacyLogWriter | undefined) {
  const db = await seed();
  const server = await startServer({ db, clients: CLIENTS, clock: () => NOW, privacyLog });
  const secret = CLIENTS.find((c) => c.client_id === 'platform-a')?.client_secret;
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let next = 0;

  async function worker() {
    while (performance.now() < deadline) {
      const started = performance.now();
      const username = `bench.${next++ % PUPILS}`;
      const rp = await relyingParty(server.issuer, 'platform-a', secret);
      const { page, finish } = await rp.authorize('openid profile leerid');
      const tokens = await finish(await login(rp.browser, page, username, PASSWORD));
      await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()?.sub as string);
      latencies.push(performance.now() - started);
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await server.app.services.privacyLog.flush();
  const logged = Number((await db('privacy_log').count({ n: '*' }).first())?.n ?? 0);
  await server.close();
  await db.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]?.toFixed(1);
  const rate = latencies.length / elapsed;
  console.log(
    `${label.padEnd(22)} ${rate.toFixed(1).padStart(7)} flows/s   ` +
      `p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  p99 ${at(0.99)} ms   ` +
      `${latencies.length} flows, ${logged} log entries`,
  );
  return rate;
}

console.log(
  `login flows, ${CONCURRENCY} in flight, ${SECONDS} s per measurement, ` +
    `${ROUNDS} alternating rounds, ${PUPILS} pupils`,
);
const rates = { off: [] as number[], on: [] as number[] };
for (let round = 1; round <= ROUNDS; round += 1) {
  rates.off.push(await measure(`round ${round}: log off`, droppingWriter));
  rates.on.push(await measure(`round ${round}: log on`, undefined));
}

const median = (list: number[]) =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const [off, on] = [median(rates.off), median(rates.on)];
console.log(`median: off ${off.toFixed(1)} flows/s, on ${on.toFixed(1)} flows/s`);
console.log(`ratio on/off: ${(on / off).toFixed(3)}`);
