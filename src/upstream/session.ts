/**
 * The upstream session: a server-side record, found through an opaque
 * cookie, of who logged in through an upstream IdP. It holds what single
 * logout needs and the schools the person administers (LeerID-beheerder).
 *
 * For the admin console: `createUpstreamSessions(...).read(ctx)` returns the
 * record of the browser, or undefined; `adminInstitutions` lists the schools
 * its holder may manage, and `schoolAdminOf(session)` turns it into the
 * SchoolAdmin the account services check (src/accounts/authorization.ts).
 * The record lives in the upstream state store (the shared key-value store, key
 * `session:<sha256 of the cookie>`), never in the cookie itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { SchoolAdmin } from '../accounts/authorization.js';
import type { UpstreamStateStore } from '../store/upstream-state.js';

export const SESSION_COOKIE = 'leerid.upstream';

export interface UpstreamSession {
  connectorId: string;
  subject: string;
  /** The pupil logged in, when the person is one. */
  pupilId?: string;
  /** Institution numbers of the schools the person administers. */
  adminInstitutions: string[];
  logoutHandle?: Record<string, string>;
  createdAt: number;
}

export function createUpstreamSessions(store: UpstreamStateStore, ttlSeconds: number) {
  const keyOf = (cookie: string) => `session:${createHash('sha256').update(cookie).digest('hex')}`;

  return {
    /** Starts a session for this browser, replacing one it had. */
    async open(ctx: Context, session: UpstreamSession): Promise<void> {
      await this.close(ctx);
      const cookie = randomBytes(32).toString('base64url');
      await store.put(keyOf(cookie), JSON.stringify(session), ttlSeconds);
      ctx.cookies.set(SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secure,
        maxAge: ttlSeconds * 1000,
        overwrite: true,
      });
    },

    async read(ctx: Context): Promise<UpstreamSession | undefined> {
      const cookie = ctx.cookies.get(SESSION_COOKIE);
      if (!cookie) return undefined;
      const value = await store.get(keyOf(cookie));
      return value ? (JSON.parse(value) as UpstreamSession) : undefined;
    },

    /** Ends the session of this browser; returns what it held. */
    async close(ctx: Context): Promise<UpstreamSession | undefined> {
      const cookie = ctx.cookies.get(SESSION_COOKIE);
      if (!cookie) return undefined;
      const value = await store.take(keyOf(cookie));
      ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'lax', overwrite: true });
      return value ? (JSON.parse(value) as UpstreamSession) : undefined;
    },
  };
}

export type UpstreamSessions = ReturnType<typeof createUpstreamSessions>;

/**
 * The session's holder as the account services know an administrator. The
 * id is the IdP's NameID or sub: stable across logins only with a persistent
 * NameID format (`upstream.saml.nameIdFormat`) or OIDC.
 */
export function schoolAdminOf(session: UpstreamSession | undefined): SchoolAdmin | undefined {
  if (!session || session.adminInstitutions.length === 0) return undefined;
  return {
    adminId: `${session.connectorId}:${session.subject}`,
    institutions: [...session.adminInstitutions],
  };
}
