/**
 * The hash chain. Each entry's hash is an HMAC over the previous hash and the
 * entry's own fields, so an entry cannot be changed, removed or slipped in
 * without breaking the chain, and without the key nobody can rebuild it.
 */
import { createHmac } from 'node:crypto';
import type { StoredEntry } from './entry.js';

/** Where a partition's chain starts: bound to the partition's name. */
export function genesisHash(key: Buffer, partition: string): string {
  return createHmac('sha256', key).update(`leerid-privacy-log\n${partition}`).digest('hex');
}

export function entryHash(key: Buffer, entry: Omit<StoredEntry, 'hash'>): string {
  const fields = [
    entry.partition,
    entry.position,
    entry.at,
    entry.kind,
    entry.actorType,
    entry.actor,
    entry.pupilId,
    entry.purpose,
    entry.legalBasis,
    entry.data,
  ];
  return createHmac('sha256', key)
    .update(entry.prevHash)
    .update('\n')
    .update(JSON.stringify(fields))
    .digest('hex');
}
