/**
 * The LeerID-beheerder role as ACM asserts it: values such as
 * `LeerIDBeheerder:<institution number>` in a configurable attribute. Each
 * such value makes the person administrator of that one school.
 */
import type { AdminRoleConfig } from '../config/upstream.js';
import type { UpstreamIdentity } from './connector.js';

const INSTITUTION_NUMBER = /^[0-9A-Za-z]{1,16}$/;

/** The institution numbers the person administers, sorted, without duplicates. */
export function adminInstitutions(identity: UpstreamIdentity, role: AdminRoleConfig): string[] {
  const values = identity.attributes[role.attribute] ?? [];
  const institutions = values
    .filter((value) => value.startsWith(role.prefix))
    .map((value) => value.slice(role.prefix.length).trim())
    .filter((number) => INSTITUTION_NUMBER.test(number));
  return [...new Set(institutions)].sort();
}
