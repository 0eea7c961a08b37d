/**
 * Which schools use which platform. The login check and the claim filter
 * read only this table; the client registrations seed it (source 'config').
 */
import type { Db } from './db.js';

export function createPlatformLinkStore(db: Db) {
  return {
    async findInstitutions(clientId: string): Promise<string[]> {
      const rows = await db('platform_links')
        .select('institution_number')
        .where({ client_id: clientId });
      return rows.map((row) => row.institution_number as string);
    },

    /** Makes the config-sourced links exactly `links`, in one transaction. */
    async replaceConfigLinks(
      links: { clientId: string; institutionNumber: string }[],
      now: number,
    ) {
      await db.transaction(async (trx) => {
        await trx('platform_links').where({ source: 'config' }).delete();
        if (links.length === 0) return;
        const rows = links.map((link) => ({
          client_id: link.clientId,
          institution_number: link.institutionNumber,
          source: 'config',
          created_at: now,
        }));
        await trx('platform_links')
          .insert(rows)
          .onConflict(['institution_number', 'client_id'])
          .ignore();
      });
    },
  };
}

export type PlatformLinkStore = ReturnType<typeof createPlatformLinkStore>;
