/**
 * The mapping step shared by all connectors: configured rules, tried in
 * order, turn upstream attributes into one LeerID pupil. A rule that finds
 * nobody, or more than one pupil, passes to the next rule; an attribute with
 * several values is ambiguous and never used.
 */
import type { MappingRule } from '../config/upstream.js';
import { isValidInsz, normaliseInsz } from '../sync/insz.js';
import type { UpstreamIdentity } from './connector.js';

/** The look-ups the rules need; services provide them (src/upstream/router.ts). */
export interface PupilLookup {
  findIdByUuid(uuid: string): Promise<string | undefined>;
  findIdsByInsz(insz: string): Promise<string[]>;
  findIdByUsername(username: string): Promise<string | undefined>;
}

export interface PupilMatch {
  pupilId: string;
  rule: MappingRule['by'];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function matchPupil(
  identity: UpstreamIdentity,
  rules: readonly MappingRule[],
  lookup: PupilLookup,
): Promise<PupilMatch | undefined> {
  for (const rule of rules) {
    const values = identity.attributes[rule.attribute] ?? [];
    if (values.length !== 1) continue;

    const pupilId = await findByRule(rule.by, (values[0] as string).trim(), lookup);
    if (pupilId) return { pupilId, rule: rule.by };
  }
  return undefined;
}

async function findByRule(
  by: MappingRule['by'],
  value: string,
  lookup: PupilLookup,
): Promise<string | undefined> {
  switch (by) {
    case 'uuid': {
      const uuid = value.toLowerCase();
      return UUID.test(uuid) ? lookup.findIdByUuid(uuid) : undefined;
    }
    case 'insz': {
      const insz = normaliseInsz(value);
      if (!isValidInsz(insz)) return undefined;
      // Two pupils with one INSZ is a data problem at the source: match neither.
      const ids = await lookup.findIdsByInsz(insz);
      return ids.length === 1 ? ids[0] : undefined;
    }
    case 'username':
      return value ? lookup.findIdByUsername(value.toLowerCase()) : undefined;
  }
}
