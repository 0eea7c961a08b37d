/**
 * Checks for configuration values that zod's built-in types let through but
 * that would fail later, far from the setting: in oidc-provider at start, in
 * the first login, or never (a Redis that is never ready). Each returns the
 * problem in words, or undefined when the value is fine.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** A superRefine step that reports `problemOf`'s answer as the issue. */
export function checkedBy(problemOf: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = problemOf(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}

/**
 * A number setting. z.coerce.number() turns '', '  ', null and true into 0
 * or 1, so `"shutdownGraceSeconds": ""` meant no grace at all. Here only a
 * string that spells a number becomes one; anything else reaches `schema`
 * as it is, which refuses it with its own message.
 */
export function numberSetting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string' || value.trim() === '') return value;
    const number = Number(value);
    return Number.isNaN(number) ? value : number;
  }, schema);
}

/** oidc-provider asserts the same at start, with a stack trace instead of the setting's name. */
export function issuerProblem(value: string): string | undefined {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return `not an http(s) URL with a host: "${value}" (e.g. https://leerid.example.org)`;
  }
  if (value.includes('?') || value.includes('#')) return 'must not have a query or fragment';
  if (url.username || url.password) return 'must not hold a user name or password';
  return undefined;
}

/** What node:http listens on: an IP address or a host name it resolves. */
export function hostProblem(value: string): string | undefined {
  if (isIP(value)) return undefined;
  const labels = value.replace(/\.$/, '').split('.');
  const wellFormed =
    value.length <= 253 &&
    labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
  // An all-digit last label is a (broken) IP address, never a name: 999.1.1.1.
  if (!wellFormed || /^\d+$/.test(labels.at(-1) as string)) {
    return `not an IP address or host name: "${value}"`;
  }
  return undefined;
}

/** An unknown zone would make every "today" a RangeError, so every login a 500. */
export function timeZoneProblem(value: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return undefined;
  } catch {
    return `unknown time zone "${value}"; use an IANA name such as Europe/Brussels`;
  }
}

export const DATABASE_URL_FORMS = 'postgres://…, postgresql://…, sqlite:<file> or sqlite::memory:';

/**
 * The forms the store opens. Anything else with a scheme (mysql://, a typo
 * like postgress://) used to become an SQLite file named after the URL. A
 * plain path without a scheme still means an SQLite file, as it always did.
 * The URL itself is never echoed: it may hold a password.
 */
export function databaseUrlProblem(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return parseUrl(value) ? undefined : `not a valid ${scheme}:// URL; use ${DATABASE_URL_FORMS}`;
  }
  if (scheme === 'sqlite') {
    return value.slice('sqlite:'.length) ? undefined : `sqlite: needs a file; use sqlite:<file>`;
  }
  if (scheme) return `unsupported scheme "${scheme}:"; use ${DATABASE_URL_FORMS}`;
  return value.trim() ? undefined : `empty; use ${DATABASE_URL_FORMS}`;
}

/** ioredis reads anything else as a host name and never connects. */
export function redisUrlProblem(value: string): string | undefined {
  const url = parseUrl(value);
  if (url?.protocol === 'redis:' || url?.protocol === 'rediss:') return undefined;
  const scheme = url ? ` (scheme "${url.protocol}")` : '';
  return `not a redis:// or rediss:// URL${scheme}; e.g. redis://cache:6379/0`;
}

/** A loopback issuer: only the developer's own machine can reach the service. */
export function isLoopbackUrl(value: string): boolean {
  const host = parseUrl(value)?.hostname;
  if (!host) return false;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    (isIP(host) === 4 && host.startsWith('127.'))
  );
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
