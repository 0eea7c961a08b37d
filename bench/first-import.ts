/**
 * `node --import tsx bench/first-import.ts`: the database part of a first
 * import at national scale, the staging path against createFirstImport
 * (src/sync/first-import.ts). A micro-benchmark, not a test.
 *
 * Both paths get the same StagedRows (bench/lib/staged-rows.ts: csv-parse and
 * validateRow over the dump bench/sync.ts generates, default
 * /tmp/leerid-bench/night-1-1200000.csv), inside a transaction and
 * withBulkLoad, with the sync's session settings, into an empty store.
 * Printed per run: wall time per phase, CPU seconds of the PostgreSQL backend
 * (/proc/<pid>/stat) and of its parallel workers (index builds; sampled, so
 * a lower bound), the postmaster's exited children (any session that ended
 * meanwhile, ours or not), CPU of this process and the load average.
 *
 * Environment: BENCH_FILE, BENCH_PG_URL (default database leerid_bench_fi on
 * 127.0.0.1, created when missing), BENCH_SQLITE (default a file next to the
 * dump), BENCH_BACKENDS (postgresql,sqlite), BENCH_PATHS (new,old),
 * BENCH_REPEAT (1). Each run is a child process, so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createDb, migrateLatest, type Db } from '../src/store/db.js';
import { createMissingAccounts } from '../src/sync/accounts.js';
import { applyDiff } from '../src/sync/apply.js';
import { withBulkLoad } from '../src/sync/bulk-load.js';
import { diffEnrolments, stagePupilsFromFirstRows, type DiffCounts } from '../src/sync/diff.js';
import { createFirstImport } from '../src/sync/first-import.js';
import { openSession, type SyncSession } from '../src/sync/session.js';
import { createStage } from '../src/sync/stage.js';
import { stagedRowsOf } from './lib/staged-rows.js';

const FILE = process.env.BENCH_FILE ?? '/tmp/leerid-bench/night-1-1200000.csv';
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/leerid_bench_fi';
const SQLITE_FILE = process.env.BENCH_SQLITE ?? `${FILE}.first-import.sqlite`;
const TODAY = '2026-12-03';
const NOW_MS = new Date('2026-12-03T23:30:00Z').getTime();

type Path = 'new' | 'old';

if (process.argv[2] === '--run') {
  await run(process.argv[3] as string, process.argv[4] as Path);
} else {
  await main();
}

async function main(): Promise<void> {
  if (!existsSync(FILE)) throw new Error(`${FILE} is missing: run npm run bench:sync once`);
  const backends = (process.env.BENCH_BACKENDS ?? 'postgresql,sqlite').split(',');
  const paths = (process.env.BENCH_PATHS ?? 'new,old').split(',') as Path[];
  const repeat = Number(process.env.BENCH_REPEAT ?? 1);
  if (backends.includes('postgresql')) await ensurePgDatabase();

  for (let i = 0; i < repeat; i++) {
    for (const backend of backends) {
      for (const path of paths) {
        const url = backend === 'postgresql' ? PG_URL : `sqlite:${SQLITE_FILE}`;
        process.stderr.write(`${backend} ${path} ...\n`);
        const out = execFileSync(
          process.execPath,
          [
            '--max-semi-space-size=32',
            '--import',
            'tsx',
            process.argv[1] as string,
            '--run',
            url,
            path,
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        process.stdout.write(`${backend.padEnd(10)} ${path}: ${out.trim()}\n`);
      }
    }
  }
}

async function run(url: string, path: Path): Promise<void> {
  const db = await emptyStore(url);
  const session = await openSession(db);
  const pgPids = session.dialect === 'pg' ? await serverPids(session) : undefined;
  const cpuBefore = pgPids ? serverCpu(pgPids) : undefined;
  const workers = pgPids ? watchWorkers(pgPids) : undefined;
  const marks: [string, number, number][] = [];
  const started = performance.now();
  const backendCpu = () => (pgPids ? serverCpu(pgPids).backend : 0);
  const mark = (name: string) => marks.push([name, performance.now(), backendCpu()]);

  await tune(session);
  await session.begin();
  const result = path === 'new' ? await newPath(session, mark) : await oldPath(session, mark);
  await session.commit();
  mark('commit');

  const ms = performance.now() - started;
  const cpuAfter = pgPids ? serverCpu(pgPids) : undefined;
  const workerCpu = workers?.stop() ?? 0;
  await session.release();
  await db.destroy();

  const usage = process.resourceUsage();
  let last = started;
  let lastCpu = cpuBefore?.backend ?? 0;
  // Wall seconds per phase, and the backend's CPU seconds in it (PostgreSQL).
  const phases = marks.map(([name, at, cpu]) => {
    const db = pgPids ? `/${(cpu - lastCpu).toFixed(1)}` : '';
    const text = `${name} ${((at - last) / 1000).toFixed(1)}${db}`;
    last = at;
    lastCpu = cpu;
    return text;
  });
  const dbText =
    cpuBefore && cpuAfter
      ? `, db CPU ${(cpuAfter.backend - cpuBefore.backend).toFixed(1)} s` +
        ` + parallel workers ${workerCpu.toFixed(1)} s` +
        ` (exited server children ${(cpuAfter.children - cpuBefore.children).toFixed(1)} s)`
      : '';
  process.stdout.write(
    `wall ${(ms / 1000).toFixed(1)} s (${phases.join(', ')}${pgPids ? '; wall/db CPU' : ''})` +
      `${dbText}, ` +
      `node CPU ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(1)} s, ` +
      `peak RSS ${Math.round(usage.maxRSS / 1024)} MB, load ${loadavg()[0]?.toFixed(1)}: ` +
      `${JSON.stringify(result)}\n`,
  );
}

async function newPath(session: SyncSession, mark: (name: string) => void) {
  return withBulkLoad(
    session,
    async () => {
      const writer = await createFirstImport(session, { nowMs: NOW_MS, today: TODAY });
      for await (const batch of stagedRowsOf(FILE, TODAY)) {
        for (const row of batch) writer.push(row);
        await writer.flush();
      }
      mark('read+push');
      await writer.finish();
      mark('finish');
      const counts = await writer.complete();
      mark('complete');
      return counts;
    },
    { primaryKeys: process.env.BENCH_KEEP_PK !== '1' },
  ).finally(() => mark('rebuild'));
}

async function oldPath(session: SyncSession, mark: (name: string) => void) {
  const stage = await createStage(session);
  for await (const batch of stagedRowsOf(FILE, TODAY)) {
    for (const row of batch) stage.push(row);
    await stage.flush();
  }
  mark('read+push');
  await stage.finish();
  mark('finish');
  if (session.dialect === 'pg') await session.run('ANALYZE stage_rows');
  await stagePupilsFromFirstRows(session);
  // The reading side's restructuring adds a third argument ("skipped"); null is "none".
  const diff = await (
    diffEnrolments as unknown as (s: SyncSession, t: string, k: null) => Promise<DiffCounts>
  )(session, TODAY, null);
  mark('stage+diff');
  return withBulkLoad(session, async () => {
    const applied = await applyDiff(session, diff, TODAY, NOW_MS, true);
    mark('apply');
    const accounts = await createMissingAccounts(session, NOW_MS);
    mark('accounts');
    return { pupils: diff.pupilsNew, enrolments: diff.enrolmentsNew, accounts, ...applied };
  }).finally(() => mark('rebuild'));
}

/** As the sync's tuneSession (src/sync/index.ts). */
async function tune(session: SyncSession): Promise<void> {
  if (session.dialect !== 'pg') return;
  await session.run(`SET work_mem = '256MB'`);
  await session.run(`SET maintenance_work_mem = '512MB'`);
  await session.run(`SET temp_buffers = '1GB'`);
}

async function emptyStore(url: string): Promise<Db> {
  if (url.startsWith('sqlite:')) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${SQLITE_FILE}${suffix}`, { force: true });
  }
  const db = createDb(url, { pool: 1 });
  if (url.startsWith('postgres')) {
    await db.raw('DROP SCHEMA IF EXISTS public CASCADE');
    await db.raw('CREATE SCHEMA public');
    await db.raw('CHECKPOINT');
  }
  await migrateLatest(db);
  return db;
}

async function serverPids(session: SyncSession) {
  const [row] = await session.all<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = Number(row?.pid);
  const postmaster = Number(
    readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]?.split(' ')[1],
  );
  return { backend, postmaster };
}

/** CPU seconds: the backend's own, and the postmaster's exited children (cutime + cstime). */
function serverCpu(pids: { backend: number; postmaster: number }) {
  const fields = (pid: number) =>
    (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ').map(Number);
  const b = fields(pids.backend);
  const p = fields(pids.postmaster);
  return {
    backend: ((b[11] ?? 0) + (b[12] ?? 0)) / 100,
    children: ((p[13] ?? 0) + (p[14] ?? 0)) / 100,
  };
}

/**
 * CPU of the backend's parallel workers (index builds): their /proc entries,
 * read every 50 ms while they live; the last reading of each counts.
 */
function watchWorkers(pids: { backend: number; postmaster: number }) {
  const last = new Map<string, number>();
  const others = new Set<string>();
  const tag = `parallel worker for PID ${pids.backend}`;
  const children = `/proc/${pids.postmaster}/task/${pids.postmaster}/children`;
  const look = () => {
    for (const pid of readFileSync(children, 'utf8').trim().split(' ')) {
      if (others.has(pid)) continue;
      try {
        if (!last.has(pid) && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tag)) {
          others.add(pid);
          continue;
        }
        const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
        last.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // gone meanwhile
      }
    }
  };
  const timer = setInterval(look, 50);
  return {
    stop() {
      clearInterval(timer);
      return [...last.values()].reduce((sum, s) => sum + s, 0);
    },
  };
}

async function ensurePgDatabase(): Promise<void> {
  if (process.env.BENCH_PG_URL) return;
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_database WHERE datname = 'leerid_bench_fi'`,
  );
  if (!rowCount) await client.query('CREATE DATABASE leerid_bench_fi');
  await client.end();
}
