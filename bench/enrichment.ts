/**
 * The enrichment lookup behind every ID token and userinfo answer: the
 * pupil, their current enrolments and the schools linked to the platform,
 * as the provider runs it, one after another for random pupils of the 1.2
 * million. Measures latency, so one lookup at a time.
 */
import { createAccessPolicy } from '../src/oidc/access.js';
import { createDb } from '../src/store/db.js';
import { createPupilAccessStore } from '../src/store/pupil-access.js';
import { linkSchools, type Dataset } from './lib/dataset.js';
import type { RunResult } from './lib/stats.js';

export async function benchEnrichment(
  dataset: Dataset,
  lookups: number,
  client: { id: string; label: string },
): Promise<RunResult> {
  const db = createDb(dataset.url);
  try {
    const access = createAccessPolicy(createPupilAccessStore(db));
    await linkSchools(db, dataset.clientsFile);
    // A block sample of about twice what is needed, shuffled: fast on 1.2 million rows.
    const total = Number((await db('pupils').count({ n: '*' }).first())?.n);
    const percent = Math.min(100, ((lookups * 2) / total) * 100);
    const sample = await db.raw(
      `select id from pupils tablesample system (${percent}) order by random() limit ?`,
      [lookups],
    );
    const ids = (sample.rows as { id: string }[]).map((row) => row.id);

    const lookup = async (id: string) => {
      // What findAccount reads for an ID token: the pupil and the decision, in one statement.
      if (!(await access.lookup(id, client.id, dataset.today))) throw new Error(`no pupil ${id}`);
    };
    for (const id of ids.slice(0, 500)) await lookup(id);

    const latenciesMs: number[] = [];
    const started = performance.now();
    for (const id of ids) {
      const t0 = performance.now();
      await lookup(id);
      latenciesMs.push(performance.now() - t0);
    }
    return {
      label: `enrichment lookup, ${client.label}`,
      count: latenciesMs.length,
      errors: 0,
      seconds: (performance.now() - started) / 1000,
      latenciesMs,
      note: `${total.toLocaleString('en')} pupils in PostgreSQL, one at a time`,
    };
  } finally {
    await db.destroy();
  }
}
