/**
 * The accounts area, put together: the services the admin console and the
 * pages use, built on the shared stores, the key-value store, the mailer and
 * the clock.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../http/logger.js';
import type { Mailer } from '../mail/mailer.js';
import { createAccountStore } from '../store/accounts.js';
import { createClassCodeStore } from '../store/class-codes.js';
import type { Db } from '../store/db.js';
import type { KeyValueStore } from '../store/key-value.js';
import { createPupilStore } from '../store/pupils.js';
import type { Clock } from '../util/clock.js';
import { todayIn } from '../util/dates.js';
import { createAdminService } from './admin-service.js';
import { createAuthorization } from './authorization.js';
import { createClassPages } from './class-pages.js';
import type { AccountContext } from './context.js';
import type { AccountKeys } from './keys.js';
import { createLinkSigner } from './link-tokens.js';
import { createLoginService } from './login.js';
import { createSelfService } from './self-service.js';
import { createThrottle, RULES, type RuleName, type ThrottleRule } from './throttle.js';
import { commonPasswords, dutchWords } from './word-lists.js';

export interface AccountModuleOptions {
  config: Config;
  db: Db;
  clock: Clock;
  kv: KeyValueStore;
  keys: AccountKeys;
  mailer: Mailer;
  logger: Logger;
  /** Other brute-force limits than the defaults (tests). */
  rules?: Partial<Record<RuleName, ThrottleRule>>;
}

export function createAccountModule(options: AccountModuleOptions) {
  const { config, db, clock, kv, keys, mailer, logger } = options;
  // Read now: an install without the bundled lists fails at start.
  dutchWords();
  commonPasswords();
  const pupils = createPupilStore(db);
  const today = () => todayIn(config.timezone, clock());

  const context: AccountContext = {
    config,
    clock,
    today,
    accounts: createAccountStore(db),
    pupils,
    classCodes: createClassCodeStore(db),
    keys,
    links: createLinkSigner(keys.linkKey, kv, clock),
    throttle: createThrottle(kv, clock, { ...RULES, ...options.rules }),
    mailer,
    authorization: createAuthorization(pupils, today),
    logger,
  };
  const login = createLoginService(context);

  return {
    /** For the admin console: every call checks the administrator's schools. */
    admin: createAdminService(context),
    classPages: createClassPages(context),
    login,
    self: createSelfService(context, login),
    context,
  };
}

export type AccountModule = ReturnType<typeof createAccountModule>;
export type { SchoolAdmin } from './authorization.js';
