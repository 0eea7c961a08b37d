/**
 * The services every part of LeerID shares, built once from the config, the
 * store and the clock. Tests build the same thing against their own store.
 */
import { createPrivacyLogWriter, type PrivacyLogWriter } from './audit/writer.js';
import type { Config } from './config/schema.js';
import { createAccessPolicy } from './oidc/access.js';
import { createAccountStore } from './store/accounts.js';
import type { Db } from './store/db.js';
import { createKeyValueStore } from './store/key-value.js';
import type { Redis } from './store/redis.js';
import { createPlatformLinkStore } from './store/platform-links.js';
import { createPupilStore } from './store/pupils.js';
import { createPupilAccessStore } from './store/pupil-access.js';
import { systemClock, type Clock } from './util/clock.js';
import { todayIn } from './util/dates.js';

export interface ServiceOptions {
  clock?: Clock;
  /** HMAC key of the privacy log chain (see src/audit/key.ts). */
  privacyLogKey: Buffer;
  /** Replaces the privacy log writer; only benchmarks compare without it. */
  privacyLog?: PrivacyLogWriter;
  /** The deployment's Redis, when it has one: shared counters and caches live there. */
  redis?: Redis | undefined;
}

export function createServices(config: Config, db: Db, options: ServiceOptions) {
  const clock = options.clock ?? systemClock;
  const pupils = createPupilStore(db);
  const accounts = createAccountStore(db);
  const links = createPlatformLinkStore(db);

  return {
    config,
    db,
    clock,
    pupils,
    accounts,
    links,
    access: createAccessPolicy(createPupilAccessStore(db)),
    /** Replay caches and rate-limit counters shared by all nodes (src/store/key-value.ts). */
    kv: createKeyValueStore({ db, redis: options.redis }),
    privacyLog:
      options.privacyLog ??
      createPrivacyLogWriter(db, {
        key: options.privacyLogKey,
        flushIntervalMs: config.privacyLog.flushIntervalMs,
        now: () => clock().getTime(),
      }),
    /** Today's date where the schools are, for every enrolment check. */
    today: oncePerSecond(clock, (now) => todayIn(config.timezone, now)),
  };
}

export type Services = ReturnType<typeof createServices>;

/**
 * The calendar day is asked for several times per login and costs an Intl
 * formatting each time; it can only change between two seconds.
 */
function oncePerSecond(clock: Clock, compute: (now: Date) => string): () => string {
  let second = Number.NaN;
  let value = '';
  return () => {
    const now = clock();
    const current = Math.floor(now.getTime() / 1000);
    if (current !== second) {
      second = current;
      value = compute(now);
    }
    return value;
  };
}
