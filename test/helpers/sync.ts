/** Shared set-up for the sync suites: fixture paths, options, store snapshots. */
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/store/db.js';
import type { SyncOptions } from '../../src/sync/index.js';

export const DUMPS = fileURLToPath(new URL('../fixtures/dumps/', import.meta.url));

export function dump(name: string): string {
  return `${DUMPS}${name}`;
}

/** 3 December 2026, 11:00 in Brussels: "today" for every fixture. */
export const NOW = new Date('2026-12-03T10:00:00Z');

export function syncOptions(overrides: Partial<SyncOptions> = {}): SyncOptions {
  return {
    now: NOW,
    timezone: 'Europe/Brussels',
    maxEndedShare: 0.05,
    minSizeRatio: 0.9,
    ...overrides,
  };
}

const MIRRORED = {
  pupils: 'discimus_id',
  enrolments: 'id',
  accounts: 'username',
  institutions: 'institution_number',
  locations: 'location_number',
  username_counters: 'base',
} as const;

/** Every row of the mirrored tables, in a stable order, for exact comparison. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(MIRRORED)) {
    result[table] = await db(table).select('*').orderBy(order);
  }
  return result;
}
