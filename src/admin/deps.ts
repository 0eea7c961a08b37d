/** What the console's routes share, built once in src/admin/index.ts. */
import type { Context } from 'koa';
import type { SchoolAdmin } from '../accounts/authorization.js';
import type { AccountModule } from '../accounts/index.js';
import { LeerIdError } from '../errors/index.js';
import type { Logger } from '../http/logger.js';
import type { ClientRegistration } from '../oidc/clients.js';
import type { Services } from '../services.js';
import type { SchoolPupilStore } from '../store/school-pupils.js';
import type { ConsoleAudit } from './audit.js';
import type { DemoAdmin } from './demo-admin.js';
import type { PageState } from './render.js';
import type { AdminSessions, AdminSession } from './session.js';

export interface ConsoleDeps {
  services: Services;
  accounts: AccountModule;
  /** The registered platforms a school can choose from. */
  clients: readonly ClientRegistration[];
  logger: Logger;
  sessions: AdminSessions;
  audit: ConsoleAudit;
  pupils: SchoolPupilStore;
  schoolNames(numbers: readonly string[]): Promise<Map<string, string>>;
  demoAdmin?: DemoAdmin | undefined;
}

/** What the session middleware leaves on ctx.state for the routes behind it. */
export interface ConsoleState extends PageState {
  session: AdminSession;
  admin: SchoolAdmin;
  /** The POSTed form, read once and checked for its CSRF token. */
  form: URLSearchParams;
}

export const consoleState = (ctx: Context) => ctx.state.console as ConsoleState;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The pupil id of the path. A malformed id gets the same answer as a pupil
 * of another school, so nothing can be learnt from the difference.
 */
export function pupilIdOf(ctx: Context): string {
  const id = String(ctx.params.id ?? '');
  if (!UUID.test(id)) {
    throw new LeerIdError('account.forbidden', 'Deze leerling is niet in jouw school.', {
      status: 403,
    });
  }
  return id.toLowerCase();
}

/** A school number from a form or query: one of the administrator's, or a refusal. */
export function schoolOf(admin: SchoolAdmin, value: string | null | undefined): string {
  const school = String(value ?? '');
  if (!admin.institutions.includes(school)) {
    throw new LeerIdError('account.forbidden', 'Je beheert deze school niet.', { status: 403 });
  }
  return school;
}

/** A class (administrative group) name from a form: present and of sane length. */
export function groupOf(value: string | null | undefined): string {
  const group = String(value ?? '').trim();
  if (group.length === 0 || group.length > 64) {
    throw new LeerIdError('admin.bad_request', 'Geen geldige klas.', { status: 400 });
  }
  return group;
}
