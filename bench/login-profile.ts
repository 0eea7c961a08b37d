/**
 * `node --import tsx bench/login-profile.ts`: where a login flow's server
 * time goes. Drives PROFILE_FLOWS (1000) full login flows, PROFILE_IN_FLIGHT
 * (8) at a time, through one LeerID node on the bench dataset (the one
 * `npm run bench` fills, or a small one of its own on a fresh machine) and
 * prints the node's CPU time per flow, which a busy machine disturbs much
 * less than the flow rate.
 *
 *   PROFILE_COMPARE=DIR   also runs the checkout in DIR (with node_modules),
 *                         alternating with this one for PROFILE_ROUNDS (3)
 *                         rounds: a before/after on the same machine load
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'
 *                         a CPU profile of the node(s), written when they stop
 *   PROFILE_PUPILS=N      pupils to import when the dataset has fewer
 *                         (20 000)
 *   PROFILE_COUNT=1       runs the node in this process instead and prints the
 *                         SQL statements (knex query events) and Redis commands
 *                         (MONITOR: use a quiet Redis) per flow
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { createDb } from '../src/store/db.js';
import { closeRedis, connectRedis, createRedis } from '../src/store/redis.js';
import { deleteByPrefix } from '../test/helpers/redis.js';
import { serviceCpuSeconds } from './lib/cpu.js';
import { BENCH_PG_URL, ensureDataset } from './lib/dataset.js';
import { Nodes } from './lib/http-client.js';
import { loginFlow } from './lib/login-flow.js';
import { freePort, processCpuSeconds, startNode } from './lib/nodes.js';
import { log } from './lib/stats.js';

const FLOWS = Number(process.env.PROFILE_FLOWS ?? 1000);
const IN_FLIGHT = Number(process.env.PROFILE_IN_FLIGHT ?? 8);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3);
const COMPARE = process.env.PROFILE_COMPARE;
const COUNT = process.env.PROFILE_COUNT === '1';
const PUPILS = Number(process.env.PROFILE_PUPILS ?? 20_000);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'leerid-bench-ops');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const DATABASE = new URL(BENCH_PG_URL).pathname.slice(1);
const prefix = `leerid-profile:${randomUUID().slice(0, 8)}:`;

// Reuses whatever `npm run bench` imported; on a fresh machine a small set
// is enough, as the login path reads one pupil per flow by primary key.
const dataset = await ensureDataset({ pupils: PUPILS, dir: DIR, loginAccounts: 400 });

interface Target {
  label: string;
  nodes: Nodes;
  cpuSeconds(): number;
  mainThreadCpuSeconds(): number;
  stop(): Promise<void>;
}

const targets: Target[] = [];
try {
  if (COUNT) await countPerFlow();
  else await cpuPerFlow();
} finally {
  await Promise.all(targets.map((target) => target.stop()));
  const redis = createRedis(REDIS_URL, { keyPrefix: prefix });
  if (await connectRedis(redis)) await deleteByPrefix(redis, prefix);
  await closeRedis(redis);
}

async function cpuPerFlow() {
  targets.push(await childNode('this checkout'));
  if (COMPARE) targets.push(await childNode(COMPARE, COMPARE));
  for (const target of targets) await flows(target.nodes, Math.min(200, FLOWS));

  const results = new Map<string, { node: number[]; main: number[] }>(
    targets.map((target) => [target.label, { node: [], main: [] }]),
  );
  for (let round = 1; round <= (COMPARE ? ROUNDS : 1); round += 1) {
    for (const target of round % 2 ? targets : [...targets].reverse()) {
      const [cpuBefore, mainBefore] = [target.cpuSeconds(), target.mainThreadCpuSeconds()];
      const loadBefore = process.cpuUsage();
      const servicesBefore = serviceCpuSeconds(DATABASE);
      const started = performance.now();
      await flows(target.nodes, FLOWS);
      const seconds = (performance.now() - started) / 1000;
      const node = ((target.cpuSeconds() - cpuBefore) / FLOWS) * 1000;
      const main = ((target.mainThreadCpuSeconds() - mainBefore) / FLOWS) * 1000;
      const { user, system } = process.cpuUsage(loadBefore);
      const load = (user + system) / 1000 / FLOWS;
      const services = serviceCpuSeconds(DATABASE);
      const perFlow = (seconds: number) => `${((seconds / FLOWS) * 1000).toFixed(2)} ms`;
      log(
        `  load generator user ${perFlow(user / 1e6)}, system ${perFlow(system / 1e6)}; ` +
          `PostgreSQL ${perFlow(services.postgres - servicesBefore.postgres)}, ` +
          `Redis ${perFlow(services.redis - servicesBefore.redis)} (all its clients)`,
      );
      results.get(target.label)?.node.push(node);
      results.get(target.label)?.main.push(main);
      log(
        `${target.label}: ${(FLOWS / seconds).toFixed(1)} flows/s, CPU per flow: ` +
          `node ${node.toFixed(2)} ms, its JavaScript thread ${main.toFixed(2)} ms, ` +
          `load generator ${load.toFixed(2)} ms`,
      );
    }
  }
  for (const [label, { node, main }] of results) {
    log(
      `median CPU per flow, ${label}: node ${median(node)} ms, JavaScript thread ${median(main)} ms`,
    );
  }
}

async function countPerFlow() {
  const target = await inProcessNode();
  targets.push(target);
  await flows(target.nodes, Math.min(200, FLOWS));
  const redis = await countRedis();
  const sqlBefore = target.sqlStatements();
  await flows(target.nodes, FLOWS);
  const sqlAfter = target.sqlStatements();

  const sql = [...sqlAfter].map(([text, n]) => [text, n - (sqlBefore.get(text) ?? 0)] as const);
  const sqlTotal = sql.reduce((sum, [, n]) => sum + n, 0);
  log(`SQL statements per flow: ${(sqlTotal / FLOWS).toFixed(2)}`);
  for (const [text, n] of sql.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])) {
    log(`  ${(n / FLOWS).toFixed(2)} ${text.replace(/\s+/g, ' ').slice(0, 110)}`);
  }
  const { total, byCommand } = await redis.stop();
  log(`Redis commands per flow (scripts' inner commands included): ${(total / FLOWS).toFixed(2)}`);
  for (const [command, n] of Object.entries(byCommand).sort((a, b) => b[1] - a[1])) {
    log(`  ${command} ${(n / FLOWS).toFixed(2)}`);
  }
}

function median(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor(sorted.length / 2)] ?? Number.NaN).toFixed(2);
}

/** `count` login flows, `IN_FLIGHT` at a time; the first error ends the run. */
async function flows(nodes: Nodes, count: number) {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < count) {
        started += 1;
        await loginFlow(nodes, dataset.usernames[started % dataset.usernames.length] as string);
      }
    }),
  );
}

async function environment() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const env = {
    LEERID_ISSUER: issuer,
    LEERID_PORT: String(port),
    LEERID_DATABASE_URL: dataset.url,
    LEERID_REDIS_URL: REDIS_URL,
    LEERID_REDIS_KEY_PREFIX: prefix,
    LEERID_CLIENTS_FILE: dataset.clientsFile,
    LEERID_KEYS_DIR: join(DIR, 'keys'),
    LEERID_DATA_DIR: DIR,
    LEERID_LOG_LEVEL: 'info',
  };
  return { port, nodes: new Nodes(issuer, [port]), env };
}

async function childNode(label: string, cwd?: string): Promise<Target> {
  const { port, nodes, env } = await environment();
  const node = await startNode(port, env, cwd);
  return {
    label,
    nodes,
    cpuSeconds: () => node.cpuSeconds(),
    mainThreadCpuSeconds: () => node.mainThreadCpuSeconds(),
    stop: () => node.stop(),
  };
}

/** The app in this process, counting the SQL statements it sends by text. */
async function inProcessNode() {
  const { nodes, env } = await environment();
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', ...env });
  const db = createDb(config.databaseUrl);
  const statements = new Map<string, number>();
  db.on('query', (query: { sql: string }) => {
    statements.set(query.sql, (statements.get(query.sql) ?? 0) + 1);
  });
  // The request log goes nowhere: this process prints the counts.
  const logger = (await import('../src/http/logger.js')).createLogger('silent');
  const app = await createApp({ config, db, logger });
  const server = createServer(app.callback).listen(config.port, '127.0.0.1');
  await once(server, 'listening');
  return {
    label: 'in process',
    nodes,
    cpuSeconds: () => processCpuSeconds(process.pid),
    mainThreadCpuSeconds: () => processCpuSeconds(process.pid, process.pid),
    sqlStatements: () => new Map(statements),
    async stop() {
      server.closeAllConnections();
      server.close();
      await app.close();
      await db.destroy();
    },
  };
}

/** Counts Redis commands by name from now on (MONITOR sees every client of the server). */
async function countRedis() {
  const monitor = createRedis(REDIS_URL);
  await connectRedis(monitor);
  const byCommand: Record<string, number> = {};
  let total = 0;
  const monitoring = await monitor.monitor();
  monitoring.on('monitor', (_time: string, args: string[]) => {
    const command = String(args[0]).toLowerCase();
    total += 1;
    byCommand[command] = (byCommand[command] ?? 0) + 1;
  });
  return {
    async stop() {
      monitoring.disconnect();
      monitor.disconnect();
      return { total, byCommand };
    },
  };
}
