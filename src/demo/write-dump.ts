/**
 * Streams a synthetic dump to disk in the LeerID dump format, gzip when the
 * name ends in .gz. Rows are written in batches and wait for the stream to
 * drain, so memory stays flat at any size.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { DUMP_COLUMNS } from '../sync/columns.js';
import { fixedPupil, FIXED_PUPIL_COUNT } from './demo-pupils.js';
import { generatePupil, type DemoPupil, type DemoVariant, type GenerateContext } from './pupils.js';
import { buildSchools, schoolsByType } from './schools.js';
import { applyVariant } from './variant.js';

export interface DemoDumpOptions {
  pupils: number;
  out: string;
  seed?: number;
  /** Reference date 'YYYY-MM-DD'; enrolments are current on this day. */
  today: string;
  variant?: DemoVariant;
}

const BATCH_ROWS = 2000;

export async function writeDemoRows(options: DemoDumpOptions): Promise<{ rows: number }> {
  const seed = options.seed ?? 1;
  const schools = buildSchools(options.pupils);
  const ctx: GenerateContext = {
    seed,
    today: options.today,
    schools,
    byType: schoolsByType(schools),
  };
  const otherSchool = ctx.byType.basis[0] as GenerateContext['schools'][number];
  const added = Math.round((options.variant?.added ?? 0) * options.pupils);

  const { sink, done } = openSink(options.out);
  let batch: string[] = [DUMP_COLUMNS.join(',')];
  let rows = 0;

  for (let index = 1; index <= options.pupils + added; index++) {
    let pupil: DemoPupil | null =
      index <= FIXED_PUPIL_COUNT
        ? fixedPupil(index, options.today, otherSchool)
        : generatePupil(index, ctx);
    if (options.variant && index > FIXED_PUPIL_COUNT && index <= options.pupils) {
      pupil = applyVariant(pupil, index, options.variant, seed, options.today);
    }
    if (!pupil) continue;

    for (const line of csvLines(pupil)) batch.push(line);
    rows += pupil.enrolments.length;

    if (batch.length >= BATCH_ROWS) {
      await write(sink, batch);
      batch = [];
    }
  }

  await write(sink, batch);
  sink.end();
  await done;
  return { rows };
}

function openSink(out: string): { sink: Writable; done: Promise<unknown> } {
  const file = createWriteStream(out);
  const done = once(file, 'close');
  if (!out.endsWith('.gz')) return { sink: file, done };

  const gzip = createGzip({ level: 4 });
  gzip.pipe(file);
  return { sink: gzip, done };
}

async function write(sink: Writable, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  if (!sink.write(`${lines.join('\n')}\n`)) await once(sink, 'drain');
}

function csvLines(pupil: DemoPupil): string[] {
  const person = [
    pupil.discimusId,
    pupil.insz ?? '',
    quote(pupil.familyName),
    quote(pupil.givenName),
    pupil.gender,
    pupil.birthDate,
  ].join(',');

  return pupil.enrolments.map((e) =>
    [
      person,
      e.school.number,
      quote(e.school.name),
      e.location,
      e.stamnummer,
      e.kind,
      e.group,
      e.enrolmentDate,
      e.startDate,
      e.endDate ?? '',
    ].join(','),
  );
}

/** RFC 4180 quoting, only where a value needs it. */
function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
