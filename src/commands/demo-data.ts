/**
 * `leerid demo-data --pupils N --out FILE [--seed S] [--today YYYY-MM-DD]`:
 * writes a synthetic Discimus dump (gzip when FILE ends in .gz).
 */
import { parseArgs } from 'node:util';
import { writeDemoDump } from '../demo/index.js';
import { LeerIdError } from '../errors/index.js';
import { isIsoDate } from '../util/calendar.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pupils: { type: 'string', default: '1000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      today: { type: 'string' },
    },
  });
  const pupils = Number(values.pupils);
  if (!values.out) throw new LeerIdError('sync.usage', 'demo-data needs --out FILE');
  if (!Number.isInteger(pupils) || pupils < 4) {
    throw new LeerIdError('sync.usage', '--pupils must be a whole number of at least 4');
  }
  if (values.today && !isIsoDate(values.today)) {
    throw new LeerIdError('sync.usage', '--today must be a date written YYYY-MM-DD');
  }

  const { rows } = await writeDemoDump({
    pupils,
    out: values.out,
    seed: Number(values.seed),
    today: values.today,
  });
  console.log(`wrote ${rows} enrolment rows for ${pupils} pupils to ${values.out}`);
  return 0;
}
