/**
 * Every console view of a pupil's data and every console action goes to the
 * privacy log (protocol, article 10): who, which pupil, which fields, why.
 * Field names only, never values.
 */
import type { SchoolAdmin } from '../accounts/authorization.js';
import type { PrivacyLogWriter } from '../audit/writer.js';

export function createConsoleAudit(log: PrivacyLogWriter) {
  return {
    /** The administrator saw these fields of the pupil. */
    viewed(admin: SchoolAdmin, pupilId: string, purpose: string, fields: string[]) {
      log.record({
        kind: 'admin.view',
        actorType: 'admin',
        actor: admin.adminId,
        pupilId,
        purpose,
        data: { fields },
      });
    },

    /** The administrator did something to the pupil's account, or the school's settings. */
    acted(
      admin: SchoolAdmin,
      pupilId: string | null,
      action: string,
      data: Record<string, unknown> = {},
    ) {
      log.record({
        kind: 'admin.action',
        actorType: 'admin',
        actor: admin.adminId,
        pupilId,
        purpose: action,
        data: { action, ...data },
      });
    },
  };
}

export type ConsoleAudit = ReturnType<typeof createConsoleAudit>;
