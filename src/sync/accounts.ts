/**
 * An account for every pupil in the dump with a current enrolment and none
 * yet. Usernames are given.family in ASCII; the second pupil with the same
 * base gets base2, the third base3, ... (username_counters keeps the next
 * number per base, so this stays set-based at any scale). A username is made
 * once and never changes; it is never derived from the INSZ.
 */
import { collateC, countOf, createTempTable } from './sql.js';
import type { SyncSession } from './session.js';

export async function createMissingAccounts(session: SyncSession, nowMs: number) {
  const c = collateC(session);
  // Names made here cannot collide with each other (bases hold no digits),
  // only with names made some other way; with no accounts yet, there are none,
  // and a plain insert spares a conflict check per row.
  const first = (await session.all('SELECT 1 FROM accounts LIMIT 1')).length === 0;
  await createTempTable(
    session,
    'new_accounts',
    `SELECT sp.pupil_id, sp.username_base,
            row_number() OVER (PARTITION BY sp.username_base${c}
                               ORDER BY sp.discimus_id${c}) AS rn
       FROM stage_pupils sp
      WHERE sp.has_current = 1
        AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.pupil_id = sp.pupil_id)`,
  );

  const created = await session.run(
    `INSERT INTO accounts (pupil_id, username, password_hash, managed_by, status,
                           created_at, updated_at)
     SELECT n.pupil_id,
            CASE WHEN coalesce(c.taken, 0) + n.rn = 1 THEN n.username_base
                 ELSE n.username_base || (coalesce(c.taken, 0) + n.rn) END,
            NULL, 'school', 'active', ?, ?
       FROM new_accounts n
       LEFT JOIN username_counters c ON c.base = n.username_base
      WHERE 1 = 1
      ORDER BY n.pupil_id
     ${first ? '' : 'ON CONFLICT DO NOTHING'}`,
    [nowMs, nowMs],
  );
  const wanted = await countOf(session, 'SELECT count(*) AS n FROM new_accounts');

  await session.run(
    `INSERT INTO username_counters (base, taken)
     SELECT username_base, count(*) FROM new_accounts WHERE 1 = 1 GROUP BY username_base
     ON CONFLICT (base) DO UPDATE SET taken = username_counters.taken + excluded.taken`,
  );

  return created === wanted ? created : created + (await placeLeftovers(session, nowMs));
}

/**
 * Pupils whose computed name was taken some other way (a username chosen
 * by hand): try the next numbers one by one. Rare, so row by row is fine.
 */
async function placeLeftovers(session: SyncSession, nowMs: number): Promise<number> {
  const leftovers = await session.all<{ pupil_id: string; username_base: string }>(
    `SELECT n.pupil_id, n.username_base FROM new_accounts n
      WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.pupil_id = n.pupil_id)`,
  );

  for (const { pupil_id: pupilId, username_base: base } of leftovers) {
    let placed = 0;
    while (!placed) {
      const taken = await countOf(
        session,
        'SELECT taken AS n FROM username_counters WHERE base = ?',
        [base],
      );
      await session.run('UPDATE username_counters SET taken = ? WHERE base = ?', [taken + 1, base]);
      placed = await session.run(
        `INSERT INTO accounts (pupil_id, username, password_hash, managed_by, status,
                               created_at, updated_at)
         VALUES (?, ?, NULL, 'school', 'active', ?, ?) ON CONFLICT DO NOTHING`,
        [pupilId, `${base}${taken + 1}`, nowMs, nowMs],
      );
    }
  }
  return leftovers.length;
}
