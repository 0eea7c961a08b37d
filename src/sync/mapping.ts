/**
 * The operator's column mapping (config `sync.mappingFile`): their header
 * names to ours, and the delimiter. Also resolves a header row to the
 * position of each of our columns.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LeerIdError } from '../errors/index.js';
import { DUMP_COLUMNS, OPTIONAL_COLUMNS, type DumpColumn } from './columns.js';

const mappingSchema = z
  .object({
    columns: z.record(z.string(), z.enum(DUMP_COLUMNS)).default({}),
    delimiter: z.enum([',', ';', '\t']).default(','),
  })
  .strict();

export type ColumnMapping = z.output<typeof mappingSchema>;

export const DEFAULT_MAPPING: ColumnMapping = Object.freeze({ columns: {}, delimiter: ',' });

export function loadColumnMapping(file: string | undefined): ColumnMapping {
  if (!file) return DEFAULT_MAPPING;

  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LeerIdError('dump.mapping', `${file}: ${(error as Error).message}`);
  }

  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new LeerIdError('dump.mapping', `${file}: ${problem}`);
  }
  return parsed.data;
}

/**
 * For each of our columns, its position in `header` (-1 when an optional
 * column is absent). Header names match after trimming, case-insensitively.
 */
export function resolveHeader(header: string[], mapping: ColumnMapping): number[] {
  const renamed = new Map(
    Object.entries(mapping.columns).map(([theirs, ours]) => [normalise(theirs), ours]),
  );
  const positions = new Map<DumpColumn, number>();
  const ours = new Set<string>(DUMP_COLUMNS);

  header.forEach((raw, index) => {
    const name = normalise(raw);
    const column = renamed.get(name) ?? (ours.has(name) ? (name as DumpColumn) : undefined);
    if (!column) return;
    if (positions.has(column)) {
      throw new LeerIdError('dump.header', `the header names column ${column} twice`);
    }
    positions.set(column, index);
  });

  const missing = DUMP_COLUMNS.filter((c) => !positions.has(c) && !OPTIONAL_COLUMNS.has(c));
  if (missing.length) {
    throw new LeerIdError('dump.header', `the header lacks column(s): ${missing.join(', ')}`);
  }
  return DUMP_COLUMNS.map((column) => positions.get(column) ?? -1);
}

function normalise(name: string): string {
  return name.trim().toLowerCase();
}
