/**
 * How much of the machine other work took during a measurement. The machine
 * is shared: the figures mean little if another job ran alongside, so each
 * measurement waits for a quiet moment and reports what others used.
 * "Ours" is this process, the nodes, Redis, and PostgreSQL backends of the
 * benchmark's own database; everything else counts as others.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { log } from './stats.js';

export interface CpuSnapshot {
  /** Jiffies of all cores together. */
  total: number;
  busy: number;
  ours: number;
}

export function cpuSnapshot(ourPids: number[], database: string): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1);
  const numbers = (fields ?? []).map(Number);
  const total = numbers.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);

  let ours = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const mine =
        ourPids.includes(Number(entry)) ||
        cmdline.startsWith('redis-server') ||
        (cmdline.startsWith('postgres:') && cmdline.includes(` ${database} `));
      if (mine) ours += processJiffies(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return { total, busy: total - idle, ours };
}

/** CPU seconds so far of Redis and of the PostgreSQL backends serving `database`. */
export function serviceCpuSeconds(database: string): { postgres: number; redis: number } {
  const seconds = { postgres: 0, redis: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.startsWith('redis-server')) seconds.redis += processJiffies(entry) / 100;
      else if (cmdline.startsWith('postgres:') && cmdline.includes(` ${database} `)) {
        seconds.postgres += processJiffies(entry) / 100;
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return seconds;
}

/** Share of the whole machine (all cores) that others used between two snapshots. */
export function othersShare(before: CpuSnapshot, after: CpuSnapshot): number {
  const total = after.total - before.total;
  const others = after.busy - before.busy - (after.ours - before.ours);
  return total > 0 ? Math.max(0, others / total) : 0;
}

/** Waits (up to `maxSeconds`) until others use less than `limit` of the machine for 3 s. */
export async function waitForQuiet(
  ourPids: () => number[],
  database: string,
  limit = 0.15,
  maxSeconds = 300,
): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const before = cpuSnapshot(ourPids(), database);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const share = othersShare(before, cpuSnapshot(ourPids(), database));
    if (share < limit) return;
    if (Date.now() > deadline) {
      log(`  others still use ${pct(share)} of the machine; measuring anyway`);
      return;
    }
    log(`  waiting: others use ${pct(share)} of the machine`);
  }
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

function processJiffies(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
