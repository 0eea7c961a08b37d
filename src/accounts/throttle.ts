/**
 * Brute-force protection: failures are counted per key (an account, a client
 * IP, a class page); past a free number each failure adds a growing delay,
 * and past a limit the key is locked for a while. While a key waits, the
 * attempt is refused before any password is checked, so a locked account
 * tells nothing about the password tried.
 * Counters live in the shared key-value store (Redis when configured, SQL
 * otherwise); the delays are computed with the service clock.
 *
 * Counting a failure after the check leaves a gap: guesses sent in parallel
 * would all pass the check before any of them is counted. So the checks of
 * one account take turns (`exclusive`): a guess that arrives while another is
 * being checked is refused, and the limits hold whatever the concurrency.
 */
import type { KeyValueStore } from '../store/key-value.js';
import type { Clock } from '../util/clock.js';

export interface ThrottleRule {
  /** Failures allowed before any delay. */
  free: number;
  /** Delay after the first failure past `free`; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** From this many failures on, the key is locked for `lockMs`. */
  lockAfter: number;
  lockMs: number;
  /** Failures count within a window of this length from the first one. */
  windowMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const RULES = {
  /** One username: a handful of typos are free, ten failures lock 15 minutes. */
  passwordAccount: rule(5, 1 * SECOND, 30 * SECOND, 10, 15 * MINUTE, 60 * MINUTE),
  /**
   * One client IP. A school puts hundreds of pupils behind one address, and
   * every delay here hits all of them: generous, aimed at credential stuffing.
   */
  passwordIp: rule(300, 1 * SECOND, 5 * SECOND, 1500, 15 * MINUTE, 60 * MINUTE),
  /** One pupil's picture: a 1-in-9 guess, so two free tries and a lock at five. */
  pictureAccount: rule(2, 5 * SECOND, 60 * SECOND, 5, 30 * MINUTE, 2 * 60 * MINUTE),
  /** One class page (a school device): a class of children makes mistakes. */
  pictureClass: rule(10, 2 * SECOND, 60 * SECOND, 30, 15 * MINUTE, 60 * MINUTE),
  /** Self-service forms and e-mail requests, per IP. */
  selfService: rule(10, 1 * SECOND, 30 * SECOND, 50, 15 * MINUTE, 60 * MINUTE),
} satisfies Record<string, ThrottleRule>;

export type RuleName = keyof typeof RULES;

export type ThrottleCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface ThrottleState {
  check: ThrottleCheck;
  /** Failures are counted for the key, so a success has something to clear. */
  counted: boolean;
}

export interface Throttle {
  check(rule: RuleName, key: string): Promise<ThrottleCheck>;
  /** The checks of several keys from one read of the store, in the order given. */
  inspect(targets: { rule: RuleName; key: string }[]): Promise<ThrottleState[]>;
  /** Counts a failure and returns how long the key must now wait. */
  fail(rule: RuleName, key: string): Promise<ThrottleCheck>;
  clear(rule: RuleName, key: string): Promise<void>;
  /**
   * Runs `work` while no other check of this key runs on any node; when one
   * does, returns `busy` at once without running it.
   */
  exclusive<T>(rule: RuleName, key: string, work: () => Promise<T>): Promise<T | typeof BUSY>;
}

/** What `exclusive` returns when another check of the key is running. */
export const BUSY = Symbol('throttle busy');

/** Longer than any check takes; frees the key should a node die mid-check. */
const TURN_SECONDS = 30;

export function createThrottle(
  kv: KeyValueStore,
  clock: Clock,
  rules: Record<RuleName, ThrottleRule> = RULES,
): Throttle {
  const names = (rule: RuleName, key: string) => ({
    count: `throttle:${rule}:${key}:n`,
    until: `throttle:${rule}:${key}:until`,
  });
  const now = () => clock().getTime();

  function waitUntil(until: string | undefined): ThrottleCheck {
    const left = Number(until ?? 0) - now();
    if (left <= 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil(left / SECOND) };
  }

  async function waitOf(rule: RuleName, key: string): Promise<ThrottleCheck> {
    return waitUntil(await kv.get(names(rule, key).until));
  }

  return {
    check: waitOf,

    async inspect(targets) {
      const keys = targets.flatMap(({ rule, key }) => {
        const { until, count } = names(rule, key);
        return [until, count];
      });
      const values = await kv.getMany(keys);
      return targets.map((_, i) => {
        const [until, count] = [values[2 * i], values[2 * i + 1]];
        return { check: waitUntil(until), counted: until !== undefined || count !== undefined };
      });
    },

    async fail(rule, key) {
      const spec = rules[rule];
      const { count, until } = names(rule, key);
      const failures = await kv.increment(count, spec.windowMs / SECOND);
      const delay = delayAfter(spec, failures);
      const keep = Math.max(spec.windowMs, delay) / SECOND;
      if (delay > 0) await kv.set(until, String(now() + delay), keep);
      return waitOf(rule, key);
    },

    async clear(rule, key) {
      const { count, until } = names(rule, key);
      await Promise.all([kv.delete(count), kv.delete(until)]);
    },

    async exclusive(rule, key, work) {
      const turn = `throttle:${rule}:${key}:turn`;
      if (!(await kv.setIfAbsent(turn, '1', TURN_SECONDS))) return BUSY;
      try {
        return await work();
      } finally {
        await kv.delete(turn);
      }
    },
  };
}

/** The wait after the `failures`-th failure: none, growing, then the lock. */
export function delayAfter(spec: ThrottleRule, failures: number): number {
  if (failures >= spec.lockAfter) return spec.lockMs;
  if (failures <= spec.free) return 0;
  return Math.min(spec.baseDelayMs * 2 ** (failures - spec.free - 1), spec.maxDelayMs);
}

function rule(
  free: number,
  baseDelayMs: number,
  maxDelayMs: number,
  lockAfter: number,
  lockMs: number,
  windowMs: number,
): ThrottleRule {
  return { free, baseDelayMs, maxDelayMs, lockAfter, lockMs, windowMs };
}
