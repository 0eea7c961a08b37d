/**
 * CSRF protection for every console form: a synchronizer token from the
 * session in a hidden field, compared in constant time, plus an Origin check
 * when the browser sends one. The login form, before any session, uses a
 * double-submit cookie instead.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { LeerIdError } from '../errors/index.js';
import { CONSOLE_PATH } from './session.js';

export const CSRF_FIELD = '_csrf';
const LOGIN_COOKIE = 'leerid.admin.login';

function sameToken(given: string | null | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A cross-site form post carries the attacker's Origin. Under LeerID's
 * Referrer-Policy no-referrer, browsers send "null" even from our own
 * pages, which says nothing either way: the token decides then.
 */
function assertSameOrigin(ctx: Context, issuer: string): void {
  const origin = ctx.get('origin');
  if (origin && origin !== 'null' && origin !== new URL(issuer).origin) {
    throw new LeerIdError('admin.csrf', 'Form from another origin.', {
      status: 403,
      detail: `origin ${origin}`,
    });
  }
}

export function assertCsrf(
  ctx: Context,
  form: URLSearchParams,
  expected: string,
  issuer: string,
): void {
  assertSameOrigin(ctx, issuer);
  if (!sameToken(form.get(CSRF_FIELD), expected)) {
    throw new LeerIdError('admin.csrf', 'Missing or wrong CSRF token.', { status: 403 });
  }
}

/** The login form's token: set as a cookie and echoed in the form. */
export function issueLoginToken(ctx: Context): string {
  const token = ctx.cookies.get(LOGIN_COOKIE) || randomBytes(24).toString('base64url');
  ctx.cookies.set(LOGIN_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: CONSOLE_PATH,
    overwrite: true,
  });
  return token;
}

export function assertLoginToken(ctx: Context, form: URLSearchParams, issuer: string): void {
  assertSameOrigin(ctx, issuer);
  if (!sameToken(form.get(CSRF_FIELD), ctx.cookies.get(LOGIN_COOKIE))) {
    throw new LeerIdError('admin.csrf', 'Missing or wrong login token.', { status: 403 });
  }
}
