/**
 * Which schools use which platform. The login check and the claim filter
 * read only this table (in pupil-access.ts, by the same rule); the client
 * registrations seed it (source 'config'), the admin console adds 'school'
 * rows and opt-outs (table platform_opt_outs).
 */
import type { Db } from './db.js';

/** Rows per statement: well within the bound-parameter limits of both stores. */
const CHUNK = 1000;

export function createPlatformLinkStore(db: Db) {
  /** The opt-out row, if any, of the link row `l`: a link counts only without one. */
  const optOutOf = () =>
    db('platform_opt_outs as o')
      .select(db.raw('1'))
      .whereRaw('o.institution_number = l.institution_number')
      .andWhereRaw('o.client_id = l.client_id');

  return {
    /** Schools that use the platform: a link row and no opt-out by the school. */
    async findInstitutions(clientId: string): Promise<string[]> {
      const rows = await db('platform_links as l')
        .select('l.institution_number')
        .where('l.client_id', clientId)
        .whereNotExists(optOutOf());
      return rows.map((row) => row.institution_number as string);
    },

    /** The platforms one school uses (same rule as findInstitutions). */
    async findClientsOf(institutionNumber: string): Promise<string[]> {
      const rows = await db('platform_links as l')
        .select('l.client_id')
        .where('l.institution_number', institutionNumber)
        .whereNotExists(optOutOf())
        .orderBy('l.client_id');
      return rows.map((row) => row.client_id as string);
    },

    /**
     * A school's own choice (admin console). Linking removes an opt-out and
     * adds a 'school' row unless a row exists; unlinking drops the 'school'
     * row and records an opt-out, which also hides a 'config' row now and
     * after every restart.
     */
    async setSchoolChoice(choice: {
      institutionNumber: string;
      clientId: string;
      linked: boolean;
      adminId: string;
      now: number;
    }) {
      const key = { institution_number: choice.institutionNumber, client_id: choice.clientId };
      await db.transaction(async (trx) => {
        if (choice.linked) {
          await trx('platform_opt_outs').where(key).delete();
          await trx('platform_links')
            .insert({ ...key, source: 'school', created_at: choice.now })
            .onConflict(['institution_number', 'client_id'])
            .ignore();
          return;
        }
        await trx('platform_links')
          .where({ ...key, source: 'school' })
          .delete();
        await trx('platform_opt_outs')
          .insert({ ...key, created_by: choice.adminId, created_at: choice.now })
          .onConflict(['institution_number', 'client_id'])
          .ignore();
      });
    },

    /**
     * Makes the config-sourced links exactly `links`, in one transaction.
     * Every node start calls this with the same registrations, so only the
     * difference is written: rewriting thousands of unchanged rows at each
     * start leaves as many dead rows behind for the login lookups to skip.
     */
    async replaceConfigLinks(
      links: { clientId: string; institutionNumber: string }[],
      now: number,
    ) {
      const pairKey = (clientId: string, institutionNumber: string) =>
        `${clientId}\u0000${institutionNumber}`;
      const wanted = new Map(
        links.map((link) => [pairKey(link.clientId, link.institutionNumber), link]),
      );
      await db.transaction(async (trx) => {
        const current = await trx('platform_links')
          .select('client_id', 'institution_number')
          .where({ source: 'config' });
        const present = new Set(
          current.map((row) => pairKey(row.client_id, row.institution_number)),
        );
        const stale = current
          .filter((row) => !wanted.has(pairKey(row.client_id, row.institution_number)))
          .map((row) => [row.client_id as string, row.institution_number as string]);
        const missing = [...wanted]
          .filter(([key]) => !present.has(key))
          .map(([, link]) => ({
            client_id: link.clientId,
            institution_number: link.institutionNumber,
            source: 'config',
            created_at: now,
          }));

        for (let i = 0; i < stale.length; i += CHUNK) {
          await trx('platform_links')
            .where({ source: 'config' })
            .whereIn(['client_id', 'institution_number'], stale.slice(i, i + CHUNK))
            .delete();
        }
        for (let i = 0; i < missing.length; i += CHUNK) {
          await trx('platform_links')
            .insert(missing.slice(i, i + CHUNK))
            .onConflict(['institution_number', 'client_id'])
            .ignore();
        }
      });
    },
  };
}

export type PlatformLinkStore = ReturnType<typeof createPlatformLinkStore>;
