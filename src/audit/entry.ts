/**
 * What a privacy-log entry says: who (actor) saw or received which personal
 * data (data: field names, never values) of which pupil, when, and why.
 */
export const ENTRY_KINDS = [
  'disclosure.id_token',
  'disclosure.userinfo',
  'api.lookup',
  'admin.view',
  'admin.action',
  'pupil.action',
  'sync.run',
] as const;

export type EntryKind = (typeof ENTRY_KINDS)[number];

export type ActorType = 'client' | 'admin' | 'pupil' | 'system';

export interface PrivacyEvent {
  kind: EntryKind;
  actorType: ActorType;
  /** Client id, administrator id, pupil id or 'leerid'. */
  actor: string;
  pupilId?: string | null;
  purpose: string;
  legalBasis?: string | null;
  /** What was disclosed or done: claim or field names and counts, no values. */
  data: Record<string, unknown>;
  /** Epoch milliseconds; the writer fills it in when missing. */
  at?: number;
}

/** An entry as stored: the event plus its place in the chain. */
export interface StoredEntry {
  partition: string;
  position: number;
  at: number;
  kind: string;
  actorType: string;
  actor: string;
  pupilId: string | null;
  purpose: string;
  legalBasis: string | null;
  data: string;
  prevHash: string;
  hash: string;
}

export function partitionOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
