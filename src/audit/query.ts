/**
 * Reading the privacy log for the data protection officer: filtered exports
 * as CSV or JSON lines, and the per-pupil disclosure report.
 */
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Db } from '../store/db.js';
import { fromRow } from './writer.js';

export interface LogFilter {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  pupilId?: string;
  /** Matches clients and administrators alike. */
  actor?: string;
  clientId?: string;
}

export type ExportFormat = 'csv' | 'jsonl';

const COLUMNS = [
  'partition',
  'position',
  'at',
  'kind',
  'actor_type',
  'actor',
  'pupil_id',
  'purpose',
  'legal_basis',
  'data',
  'hash',
] as const;

const PAGE = 5000;

function filtered(db: Db, filter: LogFilter) {
  const query = db('privacy_log');
  if (filter.from !== undefined) query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query.where('at', '<', filter.to);
  if (filter.pupilId) query.where('pupil_id', filter.pupilId);
  if (filter.actor) query.where('actor', filter.actor);
  if (filter.clientId) query.where({ actor: filter.clientId, actor_type: 'client' });
  return query.orderBy([{ column: 'at' }, { column: 'partition' }, { column: 'position' }]);
}

/** Streams the matching entries to `out`; returns how many were written. */
export async function exportEntries(
  db: Db,
  filter: LogFilter,
  format: ExportFormat,
  out: Writable,
): Promise<number> {
  const csv = format === 'csv' ? stringify({ header: true, columns: [...COLUMNS] }) : undefined;
  csv?.pipe(out, { end: false });
  let count = 0;

  for (let offset = 0; ; offset += PAGE) {
    const rows = await filtered(db, filter).limit(PAGE).offset(offset);
    for (const row of rows) {
      const record = { ...row, at: new Date(Number(row.at)).toISOString() };
      if (csv) csv.write(COLUMNS.map((column) => record[column]));
      else out.write(`${JSON.stringify(pick(record))}\n`);
      count += 1;
    }
    if (rows.length < PAGE) break;
  }

  if (csv) await new Promise<void>((resolve) => csv.end(resolve));
  return count;
}

function pick(record: Record<string, unknown>) {
  const picked: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    picked[column] = column === 'data' ? JSON.parse(String(record.data)) : record[column];
  }
  return picked;
}

export interface DisclosureLine {
  at: string;
  kind: string;
  recipient: string;
  recipientType: string;
  purpose: string;
  legalBasis: string | null;
  data: Record<string, unknown>;
}

/** Everything recorded about one pupil, oldest first: a GDPR access answer. */
export async function disclosureReport(db: Db, pupilId: string): Promise<DisclosureLine[]> {
  const rows = await filtered(db, { pupilId });
  return rows.map(fromRow).map((entry) => ({
    at: new Date(entry.at).toISOString(),
    kind: entry.kind,
    recipient: entry.actor,
    recipientType: entry.actorType,
    purpose: entry.purpose,
    legalBasis: entry.legalBasis,
    data: JSON.parse(entry.data) as Record<string, unknown>,
  }));
}
