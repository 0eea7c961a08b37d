/** Class codes: what a school prints to open a class login page on a device. */
import type { Db } from './db.js';

export interface ClassCode {
  id: number;
  institutionNumber: string;
  administrativeGroup: string;
  expiresAt: number;
  revokedAt: number | null;
}

export function createClassCodeStore(db: Db) {
  return {
    async insert(code: {
      codeHash: string;
      institutionNumber: string;
      administrativeGroup: string;
      createdBy: string;
      now: number;
      expiresAt: number;
    }): Promise<number> {
      const [row] = await db('class_codes')
        .insert({
          code_hash: code.codeHash,
          institution_number: code.institutionNumber,
          administrative_group: code.administrativeGroup,
          created_by: code.createdBy,
          created_at: code.now,
          expires_at: code.expiresAt,
        })
        .returning('id');
      return Number(typeof row === 'object' ? row.id : row);
    },

    async findByHash(codeHash: string): Promise<ClassCode | undefined> {
      const row = await db('class_codes').where({ code_hash: codeHash }).first();
      return row ? toClassCode(row) : undefined;
    },

    async findById(id: number): Promise<ClassCode | undefined> {
      const row = await db('class_codes').where({ id }).first();
      return row ? toClassCode(row) : undefined;
    },

    async revokeGroup(institutionNumber: string, administrativeGroup: string, now: number) {
      return db('class_codes')
        .where({ institution_number: institutionNumber, administrative_group: administrativeGroup })
        .whereNull('revoked_at')
        .update({ revoked_at: now });
    },
  };
}

function toClassCode(row: Record<string, unknown>): ClassCode {
  return {
    id: Number(row.id),
    institutionNumber: row.institution_number as string,
    administrativeGroup: row.administrative_group as string,
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export type ClassCodeStore = ReturnType<typeof createClassCodeStore>;
