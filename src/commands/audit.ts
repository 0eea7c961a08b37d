/**
 * `leerid audit <verify|export|report|anchor|purge>`: the data protection
 * officer's and the operator's tools for the privacy log.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  closedHeads,
  disclosureReport,
  exportEntries,
  privacyLogKeyFor,
  purgePartitions,
  verifyPrivacyLog,
  type Anchor,
} from '../audit/index.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { createDb, migrateLatest, type Db } from '../store/db.js';

const USAGE = `usage:
  leerid audit verify [--anchors FILE]
  leerid audit export [--from DATE] [--to DATE] [--pupil UUID] [--client ID] [--actor ID]
                      [--format csv|jsonl] [--out FILE]
  leerid audit report --pupil UUID
  leerid audit anchor [--out FILE]      heads of closed days, one JSON line each
  leerid audit purge [--dry-run]        drop days older than privacyLog.retentionDays`;

const OPTIONS = {
  anchors: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  pupil: { type: 'string' },
  client: { type: 'string' },
  actor: { type: 'string' },
  format: { type: 'string', default: 'jsonl' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
type Action = (db: Db, config: Config, values: Values) => Promise<number>;

const ACTIONS: Record<string, Action> = {
  async verify(db, config, values) {
    const anchors = values.anchors ? readAnchors(values.anchors) : [];
    const key = await privacyLogKeyFor(db, config);
    const report = await verifyPrivacyLog(db, key, anchors);
    for (const problem of report.problems) {
      console.log(`${problem.partition} #${problem.position} ${problem.kind}: ${problem.message}`);
    }
    const verdict = report.ok ? 'intact' : `${report.problems.length} problem(s)`;
    console.log(`privacy log ${verdict}: ${report.entries} entries in ${report.partitions} days`);
    return report.ok ? 0 : 3;
  },

  async export(db, _config, values) {
    const format = values.format === 'csv' ? 'csv' : 'jsonl';
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const count = await exportEntries(
      db,
      {
        ...(values.from ? { from: parseDate('--from', values.from) } : {}),
        ...(values.to ? { to: parseDate('--to', values.to) } : {}),
        ...(values.pupil ? { pupilId: values.pupil } : {}),
        ...(values.client ? { clientId: values.client } : {}),
        ...(values.actor ? { actor: values.actor } : {}),
      },
      format,
      out,
    );
    if (values.out) {
      out.end();
      await once(out, 'finish');
    }
    console.error(`${count} entries exported`);
    return 0;
  },

  async report(db, _config, values) {
    if (!values.pupil) throw usageError('report needs --pupil UUID');
    console.log(JSON.stringify(await disclosureReport(db, values.pupil), null, 2));
    return 0;
  },

  async anchor(db, _config, values) {
    const lines = (await closedHeads(db, Date.now())).map((head) => JSON.stringify(head));
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    if (values.out) createWriteStream(values.out, { flags: 'w' }).end(text);
    else process.stdout.write(text);
    return 0;
  },

  async purge(db, config, values) {
    const result = await purgePartitions(db, {
      retentionDays: config.privacyLog.retentionDays,
      now: Date.now(),
      dryRun: values['dry-run'],
    });
    const verb = values['dry-run'] ? 'would purge' : 'purged';
    console.log(`${verb} ${result.entries} entries in ${result.partitions.length} days`);
    return 0;
  },
};

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const handler = action ? ACTIONS[action] : undefined;
  if (!handler) {
    console.error(USAGE);
    return 2;
  }

  const { values } = parseArgs({ args: rest, options: OPTIONS });
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    await migrateLatest(db);
    return await handler(db, config, values);
  } finally {
    await db.destroy();
  }
}

function readAnchors(file: string): Anchor[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Anchor);
}

function parseDate(option: string, value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw usageError(`${option}: not a date: ${value}`);
  return time;
}

function usageError(message: string) {
  return new LeerIdError('config.invalid', `${message}\n${USAGE}`);
}
