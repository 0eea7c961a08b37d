/**
 * Helpers for the account suites: a clock tests move by hand, children of
 * each age group, the account module on a test store, and the mail outbox.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAccountModule,
  type AccountModule,
  type AccountModuleOptions,
} from '../../src/accounts/index.js';
import { generateAccountKeys } from '../../src/accounts/keys.js';
import type { SchoolAdmin } from '../../src/accounts/authorization.js';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger } from '../../src/http/logger.js';
import { createOutboxMailer } from '../../src/mail/mailer.js';
import type { Db } from '../../src/store/db.js';
import { createSqlKeyValueStore } from '../../src/store/key-value-sql.js';
import { insertPupil, type EnrolmentSpec } from './factories.js';

/** A clock that stands still until the test moves it. */
export class TestClock {
  private now: number;

  constructor(start: Date | string) {
    this.now = new Date(start).getTime();
  }

  readonly clock = () => new Date(this.now);

  advance(ms: number) {
    this.now += ms;
  }

  set(at: Date | string) {
    this.now = new Date(at).getTime();
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface ChildSpec {
  givenName: string;
  familyName: string;
  birthDate: string;
  enrolments: EnrolmentSpec[];
  /** Without an account row, as for a pupil the sync has not reached yet. */
  noAccount?: boolean;
  username?: string;
}

let counter = 0;

export async function insertChild(db: Db, spec: ChildSpec): Promise<string> {
  counter += 1;
  const id = await insertPupil(db, {
    givenName: spec.givenName,
    familyName: spec.familyName,
    username: spec.username ?? `kind${counter}.${Date.now().toString(36)}`,
    enrolments: spec.enrolments,
  });
  await db('pupils').where({ id }).update({ birth_date: spec.birthDate });
  if (spec.noAccount) await db('accounts').where({ pupil_id: id }).delete();
  return id;
}

export function adminOf(...institutions: string[]): SchoolAdmin {
  return { adminId: `admin-${institutions.join('-')}`, institutions };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `leerid-${prefix}-`));
}

/** The account module on `db` with fresh keys, an outbox folder and the test clock. */
export function testAccounts(
  db: Db,
  clock: TestClock,
  config: ConfigInput = {},
  rules?: AccountModuleOptions['rules'],
): { accounts: AccountModule; outbox: string } {
  const outbox = tempDir('outbox');
  const resolved = resolveConfig({
    issuer: 'http://127.0.0.1:9999',
    logLevel: 'silent',
    ...config,
  });
  const accounts = createAccountModule({
    config: resolved,
    db,
    clock: clock.clock,
    kv: createSqlKeyValueStore(db, () => clock.clock().getTime()),
    keys: generateAccountKeys(),
    mailer: createOutboxMailer(outbox, resolved.mail.from),
    logger: createLogger('silent'),
    ...(rules ? { rules } : {}),
  });
  return { accounts, outbox };
}

export interface SentMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export function readOutbox(dir: string): SentMail[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SentMail);
}

/** The first LeerID link in a mail's text. */
export function linkIn(mail: SentMail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in mail "${mail.subject}"`);
  return match[0];
}

/** The token at the end of a link's path. */
export function tokenOf(link: string): string {
  return new URL(link).pathname.split('/').pop() as string;
}
