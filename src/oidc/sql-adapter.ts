/**
 * oidc-provider storage over the SQL store: one table for every model, the
 * payload kept as opaque JSON, with the three secondary keys the provider
 * looks things up by (grant id, session uid, user code).
 *
 * The ids looked up come from requests (a code, a token, a cookie).
 * PostgreSQL refuses a NUL character in text outright; no stored id holds
 * one, so such an id is simply not found.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../store/db.js';

const TABLE = 'oidc_payloads';

export function createSqlAdapterFactory(db: Db) {
  return (model: string): Adapter => new SqlAdapter(db, model);
}

class SqlAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
    };
    await this.db(TABLE).insert(row).onConflict(['model', 'id']).merge();
  }

  find(id: string) {
    return this.findWhere({ id });
  }

  findByUid(uid: string) {
    return this.findWhere({ uid });
  }

  findByUserCode(userCode: string) {
    return this.findWhere({ user_code: userCode });
  }

  async consume(id: string): Promise<void> {
    if (id.includes('\0')) return;
    await this.db(TABLE).where({ model: this.model, id }).update({ consumed_at: Date.now() });
  }

  async destroy(id: string): Promise<void> {
    if (id.includes('\0')) return;
    await this.db(TABLE).where({ model: this.model, id }).delete();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db(TABLE).where({ grant_id: grantId }).delete();
  }

  private async findWhere(where: Record<string, string>) {
    if (Object.values(where).some((value) => value.includes('\0'))) return undefined;
    const row = await this.db(TABLE)
      .select('payload', 'expires_at', 'consumed_at')
      .where({ model: this.model, ...where })
      .first();
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= Date.now()) return undefined;

    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(row.consumed_at / 1000);
    return payload;
  }
}

/** Deletes expired rows; the provider never asks for them again. */
export async function deleteExpiredPayloads(db: Db, now = Date.now()): Promise<number> {
  return db(TABLE).where('expires_at', '<=', now).delete();
}
