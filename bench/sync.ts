/**
 * `npm run bench:sync`: the nightly sync at national scale (issue 3).
 *
 * Generates 1,200,000 pupils (about 1.3 million enrolment rows) and "the
 * next night" (1% changed, 0.5% new, 0.5% ended), then times a first import
 * and the delta into PostgreSQL and into SQLite. Each step runs in a child
 * process of its own, so its peak RSS is its own. A benchmark, not a test.
 *
 * Environment: BENCH_PUPILS (default 1200000), BENCH_PG_URL (default a
 * database leerid_bench on 127.0.0.1, created when missing), BENCH_DIR,
 * BENCH_BACKENDS (default "postgresql,sqlite"). Phase times go to stderr.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeDemoDump } from '../src/demo/index.js';
import { createDb, migrateLatest } from '../src/store/db.js';
import { runSync } from '../src/sync/index.js';

const PUPILS = Number(process.env.BENCH_PUPILS ?? 1_200_000);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'leerid-bench');
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/leerid_bench';
const SQLITE_URL = `sqlite:${join(DIR, 'bench.sqlite')}`;
const TODAY = '2026-12-03';
const NOW = new Date('2026-12-03T23:30:00Z');
const HALF_HOUR_MS = 30 * 60 * 1000;

interface StepResult {
  step: string;
  backend: string;
  ms: number;
  rows: number;
  peakRssMb: number;
  /** CPU seconds of the sync process and of its PostgreSQL backends. */
  nodeCpu: number;
  dbCpu: number;
  /** 1-minute load average at the end: other work on the machine shows here. */
  load: number;
  summary: string;
}

if (process.argv[2] === '--step') {
  await runStep(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
} else {
  await main();
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const first = join(DIR, `night-1-${PUPILS}.csv`);
  const second = join(DIR, `night-2-${PUPILS}.csv`);
  await generate(first, second);
  await ensurePgDatabase();

  const results: StepResult[] = [];
  const wanted = (process.env.BENCH_BACKENDS ?? 'postgresql,sqlite').split(',');
  const backends = Object.entries({ postgresql: PG_URL, sqlite: SQLITE_URL }).filter(([name]) =>
    wanted.includes(name),
  );
  for (const [backend, url] of backends) {
    await resetStore(url);
    for (const [step, file] of [
      ['first import', first],
      ['delta', second],
      ['unchanged re-run', second],
    ] as const) {
      await settle();
      results.push(child(step, backend, url, file));
    }
  }
  print(results);
}

async function generate(first: string, second: string): Promise<void> {
  if (!existsSync(first)) {
    const started = performance.now();
    const { rows } = await writeDemoDump({ pupils: PUPILS, out: first, today: TODAY, seed: 7 });
    log(`generated ${first}: ${rows} rows in ${seconds(performance.now() - started)}`);
  }
  if (!existsSync(second)) {
    const variant = { changed: 0.01, added: 0.005, ended: 0.005 };
    await writeDemoDump({ pupils: PUPILS, out: second, today: TODAY, seed: 7, variant });
  }
  log(`dumps: ${mb(statSync(first).size)} MB and ${mb(statSync(second).size)} MB`);
}

function child(step: string, backend: string, url: string, file: string): StepResult {
  log(`${backend}: ${step} ...`);
  const out = execFileSync(
    process.execPath,
    // As docs/sync.md recommends: a larger young generation, less GC work.
    [
      '--max-semi-space-size=32',
      '--import',
      'tsx',
      process.argv[1] as string,
      '--step',
      step,
      url,
      file,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  const result = { ...(JSON.parse(out.trim().split('\n').pop() as string) as StepResult), backend };
  log(
    `  ${seconds(result.ms)}, peak RSS ${result.peakRssMb} MB, ` +
      `CPU ${result.nodeCpu.toFixed(1)} s ` +
      `+ db ${result.dbCpu.toFixed(1)} s, load ${result.load.toFixed(1)}: ${result.summary}`,
  );
  return result;
}

async function runStep(step: string, url: string, file: string): Promise<void> {
  const db = createDb(url);
  const started = performance.now();
  let phase = '';
  let phaseStarted = started;
  const report = await runSync(db, file, {
    now: NOW,
    timezone: 'Europe/Brussels',
    maxEndedShare: 0.05,
    minSizeRatio: 0.9,
    onProgress: (event) => {
      if (event.phase === phase) return;
      if (phase) log(`    ${phase.padEnd(9)} ${seconds(performance.now() - phaseStarted)}`);
      phase = event.phase;
      phaseStarted = performance.now();
    },
  });
  log(`    ${phase.padEnd(9)} ${seconds(performance.now() - phaseStarted)}`);
  const ms = performance.now() - started;
  const dbCpu = url.startsWith('postgres') ? await backendCpuSeconds(db) : 0;
  await db.destroy();
  const usage = process.resourceUsage();
  const nodeCpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  const load = loadavg()[0] as number;

  const { pupils: p, enrolments: e } = report;
  const summary =
    `pupils +${p.new} ~${p.changed} -${p.gone}, enrolments +${e.new} ~${e.changed} ` +
    `ended ${e.ended}, accounts +${report.accounts.created}`;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const result: Omit<StepResult, 'backend'> = {
    step,
    ms,
    rows: report.rows,
    peakRssMb,
    nodeCpu,
    dbCpu,
    load,
    summary,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** CPU time of this database's server processes, from /proc (same machine). */
async function backendCpuSeconds(db: ReturnType<typeof createDb>): Promise<number> {
  const pids: number[] = await db('pg_stat_activity')
    .where('datname', db.raw('current_database()'))
    .pluck('pid');
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not on this machine, or gone.
    }
  }
  return ticks / 100;
}

async function ensurePgDatabase(): Promise<void> {
  if (process.env.BENCH_PG_URL) return;
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_database WHERE datname = 'leerid_bench'`,
  );
  if (!rowCount) await client.query('CREATE DATABASE leerid_bench');
  await client.end();
}

/**
 * Earlier writes reach the disk now, not during the next step: PostgreSQL's
 * dirty pages (CHECKPOINT) and the kernel's (sync), such as a SQLite file
 * written just before.
 */
async function settle(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query('CHECKPOINT');
  await client.end();
  execFileSync('sync');
}

async function resetStore(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(url.slice(7) + suffix, { force: true });
  }
  const db = createDb(url);
  // A clean slate whatever migrations an older run recorded.
  if (url.startsWith('postgres')) await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await migrateLatest(db);
  if (url.startsWith('postgres')) await db.raw('VACUUM ANALYZE');
  await db.destroy();
}

function print(results: StepResult[]): void {
  const lines = [
    '',
    `| backend | step | rows | duration | rows/s | peak RSS | CPU node + db | load | vs. 30 min |`,
    `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...results.map(
      (r) =>
        `| ${r.backend} | ${r.step} | ${r.rows.toLocaleString('en')} | ${seconds(r.ms)} | ` +
        `${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en')} | ${r.peakRssMb} MB | ` +
        `${r.nodeCpu.toFixed(1)} + ${r.dbCpu.toFixed(1)} s | ${r.load.toFixed(1)} | ` +
        `${(HALF_HOUR_MS / r.ms).toFixed(0)}x faster |`,
    ),
  ];
  console.log(lines.join('\n'));
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}
