/**
 * Sync metrics. Two ways in, because `leerid sync` runs in a process of its
 * own that Prometheus never scrapes:
 *
 * - recordSyncRun(): call it when a run ends in a process that serves
 *   /metrics (and from any process, harmlessly); feeds the duration
 *   histogram and change counters;
 * - the serving nodes also read the last finished run from the run log
 *   (sync_runs) at every scrape, as leerid_sync_last_* gauges, so the
 *   nightly CLI run is visible on every node.
 */
import { Gauge } from 'prom-client';
import type { Db } from '../store/db.js';
import { registry, syncChanges, syncDuration } from './registry.js';

export interface SyncRunMetrics {
  /** 'applied', 'dry-run', 'refused', 'failed', … */
  outcome: string;
  durationSeconds: number;
  /** Changes by kind, e.g. { 'pupils.new': 12, 'enrolments.ended': 3 }. */
  counts: Record<string, number>;
}

export function recordSyncRun(run: SyncRunMetrics): void {
  syncDuration.observe({ outcome: run.outcome }, run.durationSeconds);
  for (const [change, count] of Object.entries(run.counts)) {
    if (Number.isFinite(count) && count > 0) syncChanges.inc({ change }, count);
  }
}

let lastRunDb: Db | undefined;

/** Makes the scrape read the last run from this store. */
export function watchSyncRunLog(db: Db): void {
  lastRunDb = db;
}

// Read at scrape time. The registry collects all metrics in the same tick,
// so the three gauges share the one read that is under way.
let pending: ReturnType<typeof readLastRun> | undefined;
function lastRun() {
  pending ??= readLastRun().finally(() => {
    pending = undefined;
  });
  return pending;
}

new Gauge({
  name: 'leerid_sync_last_finished_timestamp_seconds',
  help: 'When the last finished sync run ended, by outcome',
  labelNames: ['outcome'] as const,
  registers: [registry],
  async collect() {
    const run = await lastRun();
    this.reset();
    if (run) this.set({ outcome: run.outcome }, run.finishedAt / 1000);
  },
});

new Gauge({
  name: 'leerid_sync_last_duration_seconds',
  help: 'Duration of the last finished sync run',
  registers: [registry],
  async collect() {
    const run = await lastRun();
    this.reset();
    if (run) this.set((run.finishedAt - run.startedAt) / 1000);
  },
});

new Gauge({
  name: 'leerid_sync_last_changes',
  help: 'Changes of the last finished sync run, by kind',
  labelNames: ['change'] as const,
  registers: [registry],
  async collect() {
    const run = await lastRun();
    this.reset();
    for (const [change, count] of Object.entries(run?.counts ?? {})) this.set({ change }, count);
  },
});

async function readLastRun() {
  if (!lastRunDb) return undefined;
  try {
    const row = await lastRunDb('sync_runs')
      .select('outcome', 'started_at', 'finished_at', 'counts')
      .whereNotNull('finished_at')
      .orderBy('id', 'desc')
      .first();
    if (!row) return undefined;
    return {
      outcome: String(row.outcome),
      startedAt: Number(row.started_at),
      finishedAt: Number(row.finished_at),
      // The guard figures are shares, not changes; they stay in the run log.
      counts: flattenCounts({ ...JSON.parse(row.counts ?? '{}'), guards: undefined }),
    };
  } catch {
    // No run log (yet), or the store is down: the gauges stay empty.
    return undefined;
  }
}

/** { pupils: { new: 3 } } -> { 'pupils.new': 3 }; numbers only. */
export function flattenCounts(value: unknown, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof inner === 'number') out[name] = inner;
    else Object.assign(out, flattenCounts(inner, name));
  }
  return out;
}
