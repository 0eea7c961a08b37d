/**
 * `npm run bench`: LeerID's production figures in one run on this machine.
 * A benchmark, not a test: it prints numbers and judges them against the
 * targets of issue 8, and fails nothing.
 *
 *   raw argon2id verifications/s       the physical limit of password logins
 *   login flows/s, 1 node and 2 nodes  authorize -> password -> code -> token
 *   refresh-token grants/s, 1 node     and per CPU-second of the server
 *   enrichment lookup latency          on 1.2 million pupils in PostgreSQL
 *
 * Nodes are real `leerid serve` processes on PostgreSQL (BENCH_PG_URL,
 * default database leerid_bench_ops, filled once) and Redis (BENCH_REDIS_URL,
 * default db 15, keys under a prefix removed afterwards). The load generator
 * shares the machine's cores with the nodes, as a client on the same host
 * does. Each measurement first waits (up to BENCH_QUIET_WAIT s, 300) until other
 * jobs use less than BENCH_QUIET_LIMIT (0.15) of the machine, and notes their
 * share while it ran. Knobs: BENCH_SECONDS (15), BENCH_PUPILS (1200000), BENCH_DIR,
 * BENCH_ONLY (a comma-separated choice of argon2, login, refresh, login2, enrichment;
 * all when unset: a quick before/after of one part, the verdicts need all).
 */
import { randomUUID } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRedis, connectRedis, createRedis } from '../src/store/redis.js';
import { deleteByPrefix } from '../test/helpers/redis.js';
import { benchArgon2 } from './argon2.js';
import { benchEnrichment } from './enrichment.js';
import { benchLogins } from './login.js';
import { cpuSnapshot, othersShare, pct, waitForQuiet } from './lib/cpu.js';
import {
  BENCH_CLIENT,
  BENCH_PG_URL,
  ensureDataset,
  SMALL_CLIENT_ID,
  type Dataset,
} from './lib/dataset.js';
import { Nodes } from './lib/http-client.js';
import { freePort, startNode, type BenchNode } from './lib/nodes.js';
import { formatRow, log, machine, summarize, TABLE_HEADER, type RunResult } from './lib/stats.js';
import { benchRefresh } from './refresh.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PUPILS = Number(process.env.BENCH_PUPILS ?? 1_200_000);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'leerid-bench-ops');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const CORES = cpus().length;
const QUIET_LIMIT = Number(process.env.BENCH_QUIET_LIMIT ?? 0.15);
const QUIET_WAIT_SECONDS = Number(process.env.BENCH_QUIET_WAIT ?? 300);
const PARTS = ['argon2', 'login', 'refresh', 'login2', 'enrichment'] as const;
const ONLY = new Set(process.env.BENCH_ONLY?.split(',').map((part) => part.trim()) ?? PARTS);
const runs = (part: (typeof PARTS)[number]) => ONLY.has(part);

const nodes: BenchNode[] = [];
const DATABASE = new URL(BENCH_PG_URL).pathname.slice(1);
const ourPids = () => [process.pid, ...nodes.map((node) => node.child.pid as number)];

/**
 * Each measurement waits for a quiet machine first and notes what share
 * of it other jobs took while it ran: the machine is shared.
 */
const results = {
  list: [] as RunResult[],
  async measure(run: () => Promise<RunResult>) {
    await waitForQuiet(ourPids, DATABASE, QUIET_LIMIT, QUIET_WAIT_SECONDS);
    const before = cpuSnapshot(ourPids(), DATABASE);
    const result = await run();
    const others = `others ${pct(othersShare(before, cpuSnapshot(ourPids(), DATABASE)))}`;
    this.list.push({ ...result, note: result.note ? `${result.note}, ${others}` : others });
  },
  filter: (keep: (r: RunResult) => boolean) => results.list.filter(keep),
};

const prefix = `leerid-bench:${randomUUID().slice(0, 8)}:`;

try {
  await main();
} finally {
  await Promise.all(nodes.map((node) => node.stop()));
  await removeRedisKeys();
}

async function main() {
  log(`machine: ${machine()}`);
  const dataset = await ensureDataset({ pupils: PUPILS, dir: DIR, loginAccounts: 400 });

  for (const inFlight of runs('argon2') ? [CORES, CORES * 2] : []) {
    log(`raw argon2id, ${inFlight} in flight ...`);
    await results.measure(() => benchArgon2(SECONDS, inFlight));
  }

  const [portA, portB] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${portA}`;
  const env = {
    LEERID_ISSUER: issuer,
    LEERID_DATABASE_URL: dataset.url,
    LEERID_REDIS_URL: REDIS_URL,
    LEERID_REDIS_KEY_PREFIX: prefix,
    LEERID_CLIENTS_FILE: dataset.clientsFile,
    LEERID_KEYS_DIR: join(DIR, 'keys'),
    LEERID_DATA_DIR: DIR,
    LEERID_LOG_LEVEL: 'info',
  };
  nodes.push(await startNode(portA, env));
  const one = new Nodes(issuer, [portA]);
  const cpuOfNodes = () => nodes.reduce((sum, node) => sum + node.cpuSeconds(), 0);

  if (runs('login')) await measureLogins(one, dataset, cpuOfNodes);
  if (runs('refresh')) await measureRefresh(one, dataset, cpuOfNodes);

  if (runs('login2')) {
    nodes.push(await startNode(portB, env));
    log('login flows, 2 nodes ...');
    await results.measure(() =>
      benchLogins({
        label: `login flows, 2 nodes, platform of all ${dataset.schools} schools`,
        nodes: new Nodes(issuer, [portA, portB]),
        usernames: dataset.usernames,
        seconds: SECONDS,
        inFlight: 12,
        cpuSeconds: cpuOfNodes,
      }),
    );
  }
  await Promise.all(nodes.splice(0).map((node) => node.stop()));

  if (runs('enrichment')) {
    log('enrichment lookups ...');
    for (const client of [
      {
        id: BENCH_CLIENT.client_id,
        label: `platform of all ${dataset.schools.toLocaleString('en')} schools`,
      },
      { id: SMALL_CLIENT_ID, label: 'platform of 100 schools' },
    ]) {
      await results.measure(() => benchEnrichment(dataset, 5_000, client));
    }
  }

  print();
}

async function measureLogins(one: Nodes, dataset: Dataset, cpuOfNodes: () => number) {
  log('login flows, 1 node ...');
  await results.measure(() =>
    benchLogins({
      label: `login flows, 1 node, platform of all ${dataset.schools} schools`,
      nodes: one,
      usernames: dataset.usernames,
      seconds: SECONDS,
      inFlight: 8,
      cpuSeconds: cpuOfNodes,
    }),
  );

  log('login flows, 1 node, platform of 100 schools ...');
  await results.measure(() =>
    benchLogins({
      label: 'login flows, 1 node, platform of 100 schools',
      nodes: one,
      usernames: dataset.smallUsernames,
      seconds: SECONDS,
      inFlight: 8,
      cpuSeconds: cpuOfNodes,
      clientId: SMALL_CLIENT_ID,
    }),
  );
}

async function measureRefresh(one: Nodes, dataset: Dataset, cpuOfNodes: () => number) {
  for (const [clientId, label, usernames] of [
    [BENCH_CLIENT.client_id, `platform of all ${dataset.schools} schools`, dataset.usernames],
    [SMALL_CLIENT_ID, 'platform of 100 schools', dataset.smallUsernames],
  ] as const) {
    log(`refresh-token grants, 1 node, ${label} ...`);
    await results.measure(() =>
      benchRefresh({
        label: `refresh-token grants, 1 node, ${label}`,
        nodes: one,
        usernames,
        seconds: SECONDS,
        inFlight: 16,
        cpuSeconds: cpuOfNodes,
        clientId,
      }),
    );
  }
}

function print() {
  const byLabel = (start: string) => results.filter((r) => r.label.startsWith(start));
  const rawRate = Math.max(...byLabel('raw argon2id').map((r) => summarize(r).rate));
  const login1 = Math.max(...byLabel('login flows, 1 node').map((r) => summarize(r).rate));
  const login2Run = byLabel('login flows, 2 nodes')[0];
  const login2 = login2Run ? summarize(login2Run).rate : Number.NaN;
  const refresh = byLabel('refresh-token').map((r) => ({ label: r.label, ...summarize(r) }));
  const enrichment = byLabel('enrichment').map((r) => ({ label: r.label, ...summarize(r) }));
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

  const lines = [
    '',
    `LeerID benchmark, ${new Date().toISOString()}`,
    `machine: ${machine()}`,
    `run: ${SECONDS} s per measurement after a warm-up; nodes log at info, NODE_ENV=production`,
    '',
    ...TABLE_HEADER,
    ...results.list.map(formatRow),
    '',
    'targets (issue 8):',
    ...(runs('argon2') && runs('login') && runs('login2')
      ? [
          `  login flows >= 80% of raw argon2id (${rawRate.toFixed(1)}/s): 1 node ` +
            `${pct(login1 / rawRate)}, 2 nodes ${pct(login2 / rawRate)} -> ` +
            verdict(Math.max(login1, login2) >= 0.8 * rawRate),
        ]
      : []),
    ...refresh.map(
      (r) =>
        `  ${r.label}: >= 500/s per core: ${(r.rate / CORES).toFixed(0)}/s per core of the ` +
        `machine, ${r.perCpuSecond?.toFixed(0)} per CPU-second of the node -> ` +
        verdict((r.perCpuSecond ?? 0) >= 500),
    ),
    ...enrichment.map(
      (e) => `  ${e.label} p99 < 5 ms: ${e.p99.toFixed(2)} ms -> ${verdict(e.p99 < 5)}`,
    ),
  ];
  console.log(lines.join('\n'));
}

async function removeRedisKeys() {
  const redis = createRedis(REDIS_URL, { keyPrefix: prefix });
  if (await connectRedis(redis)) await deleteByPrefix(redis, prefix);
  await closeRedis(redis);
}
