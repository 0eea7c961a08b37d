/**
 * The administrator's session in the console: a server-side record in the
 * shared key-value store, found through an opaque cookie that is HttpOnly,
 * SameSite=Lax, Secure on https and scoped to /beheer. A login always makes
 * a new id (no session fixation); the record carries the CSRF token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { SchoolAdmin } from '../accounts/authorization.js';
import type { Lang } from '../mail/messages.js';
import type { KeyValueStore } from '../store/key-value.js';

export const ADMIN_COOKIE = 'leerid.admin';
export const CONSOLE_PATH = '/beheer';

export interface AdminSession {
  admin: SchoolAdmin;
  /** How the person logged in: an upstream connector id, or 'demo'. */
  via: string;
  /** Synchronizer token every console form carries. */
  csrf: string;
  lang?: Lang;
  createdAt: number;
}

export function createAdminSessions(kv: KeyValueStore, ttlSeconds: number, now: () => number) {
  const keyOf = (id: string) => `admin-session:${createHash('sha256').update(id).digest('hex')}`;
  const cookieOptions = (ctx: Context) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: CONSOLE_PATH,
    overwrite: true,
  });

  async function close(ctx: Context): Promise<void> {
    const id = ctx.cookies.get(ADMIN_COOKIE);
    if (id) await kv.delete(keyOf(id));
    ctx.cookies.set(ADMIN_COOKIE, null, cookieOptions(ctx));
  }

  return {
    /** A fresh session for this browser; an earlier one is ended first. */
    async open(ctx: Context, admin: SchoolAdmin, via: string): Promise<AdminSession> {
      await close(ctx);
      const id = randomBytes(32).toString('base64url');
      const session: AdminSession = {
        admin: { adminId: admin.adminId, institutions: [...admin.institutions] },
        via,
        csrf: randomBytes(32).toString('base64url'),
        createdAt: now(),
      };
      await kv.set(keyOf(id), JSON.stringify(session), ttlSeconds);
      ctx.cookies.set(ADMIN_COOKIE, id, { ...cookieOptions(ctx), maxAge: ttlSeconds * 1000 });
      return session;
    },

    async read(ctx: Context): Promise<AdminSession | undefined> {
      const id = ctx.cookies.get(ADMIN_COOKIE);
      if (!id) return undefined;
      const value = await kv.get(keyOf(id));
      return value ? (JSON.parse(value) as AdminSession) : undefined;
    },

    /** Keeps the chosen language for the rest of the session. */
    async setLang(ctx: Context, session: AdminSession, lang: Lang): Promise<void> {
      const id = ctx.cookies.get(ADMIN_COOKIE);
      if (!id || session.lang === lang) return;
      session.lang = lang;
      const left = Math.max(1, Math.ceil((session.createdAt + ttlSeconds * 1000 - now()) / 1000));
      await kv.set(keyOf(id), JSON.stringify(session), left);
    },

    close,
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;
