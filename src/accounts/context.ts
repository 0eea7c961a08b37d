/** What the account services share: built once in src/accounts/index.ts. */
import type { Config } from '../config/schema.js';
import type { Logger } from '../http/logger.js';
import type { Mailer } from '../mail/mailer.js';
import type { AccountStore } from '../store/accounts.js';
import type { ClassCodeStore } from '../store/class-codes.js';
import type { PupilStore } from '../store/pupils.js';
import type { Clock } from '../util/clock.js';
import type { Authorization } from './authorization.js';
import type { AccountKeys } from './keys.js';
import type { LinkSigner } from './link-tokens.js';
import type { Throttle } from './throttle.js';

export interface AccountContext {
  config: Config;
  clock: Clock;
  /** Today's date where the schools are. */
  today: () => string;
  accounts: AccountStore;
  pupils: PupilStore;
  classCodes: ClassCodeStore;
  keys: AccountKeys;
  links: LinkSigner;
  throttle: Throttle;
  mailer: Mailer;
  authorization: Authorization;
  logger: Logger;
}

export const now = (context: AccountContext) => context.clock().getTime();
