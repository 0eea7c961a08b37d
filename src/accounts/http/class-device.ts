/**
 * The class device: a browser on which a teacher opened a class page. It
 * carries a signed cookie; on it every platform asks the child again who
 * they are, because the next child at the same device is someone else.
 */
import type { Context } from 'koa';
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

export const CLASS_COOKIE = 'leerid_class';

const { Check } = interactionPolicy;

export function readClassCookie(ctx: Pick<Context, 'cookies'>): string | undefined {
  return ctx.cookies.get(CLASS_COOKIE) ?? undefined;
}

export function setClassCookie(ctx: Context, value: string, hours: number) {
  ctx.cookies.set(CLASS_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    maxAge: hours * 3600 * 1000,
    overwrite: true,
  });
}

export function clearClassCookie(ctx: Context) {
  ctx.cookies.set(CLASS_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 0,
    overwrite: true,
  });
}

/** An interaction-policy check for the login prompt: a class device never reuses a session. */
export function classDeviceCheck() {
  return new Check(
    'class_device',
    'a shared class device asks every time who is signing in',
    'login_required',
    // A login just made in this interaction is the answer, not a reason to ask again.
    (ctx: KoaContextWithOIDC) =>
      ctx.oidc.session?.accountId && readClassCookie(ctx) && !ctx.oidc.result?.login
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT,
  );
}
