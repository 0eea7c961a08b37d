/**
 * The login rule of the protocol: a pupil may reach a platform only with an
 * enrolment running today in at least one school that uses that platform.
 */
import type { Enrolment, PupilStore } from '../store/pupils.js';
import type { PlatformLinkStore } from '../store/platform-links.js';

export type AccessDecision =
  | { allowed: true; enrolments: Enrolment[] }
  | { allowed: false; reason: 'no_current_enrolment' | 'platform_not_linked' };

export function createAccessPolicy(pupils: PupilStore, links: PlatformLinkStore) {
  return {
    /** The decision, with the enrolments the platform may see when allowed. */
    async decide(pupilId: string, clientId: string, today: string): Promise<AccessDecision> {
      const current = await pupils.findCurrentEnrolments(pupilId, today);
      if (current.length === 0) return { allowed: false, reason: 'no_current_enrolment' };

      const schools = [...new Set(current.map((e) => e.institutionNumber))];
      const linked = new Set(await links.findLinkedAmong(clientId, schools));
      const visible = current.filter((e) => linked.has(e.institutionNumber));
      if (visible.length === 0) return { allowed: false, reason: 'platform_not_linked' };

      return { allowed: true, enrolments: visible };
    },
  };
}

export type AccessPolicy = ReturnType<typeof createAccessPolicy>;
