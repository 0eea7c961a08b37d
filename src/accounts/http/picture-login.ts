/**
 * The picture login inside an authorization request. On a class device the
 * login page becomes the class grid; the child taps their name, then picks
 * their picture from nine. Elsewhere none of this is offered.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { readForm } from '../../http/forms.js';
import { finishPupilLogin } from '../../oidc/interactions.js';
import type { ClientRegistration } from '../../oidc/clients.js';
import type { Services } from '../../services.js';
import type { ClassSession } from '../class-pages.js';
import type { AccountModule } from '../index.js';
import { readClassCookie } from './class-device.js';
import { langOf } from './lang.js';
import { render, textsFor } from './render.js';

export function createPictureLoginRouter(
  provider: Provider,
  services: Services,
  accounts: AccountModule,
  clients: ReadonlyMap<string, ClientRegistration>,
) {
  const router = new Router();
  const { classPages, login } = accounts;
  const clientName = (clientId: unknown) =>
    clients.get(String(clientId))?.client_name ?? String(clientId);

  async function classSession(ctx: Context): Promise<ClassSession | undefined> {
    return classPages.read(readClassCookie(ctx));
  }

  // Runs before the ordinary login page and steps aside when this is no class device.
  router.get('/interaction/:uid', async (ctx: Context, next: Next) => {
    const session = ctx.query.wachtwoord ? undefined : await classSession(ctx);
    if (!session) return next();

    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login') return next();

    const lang = langOf(ctx);
    render(ctx, 'account/class-grid', {
      lang,
      t: textsFor(lang),
      uid: details.uid,
      clientName: clientName(details.params.client_id),
      entries: await classPages.grid(session),
    });
  });

  router.get('/interaction/:uid/prentje/:pupilId', async (ctx) => {
    const session = await classSession(ctx);
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    await showPictures(ctx, session, details.uid, ctx.params.pupilId as string);
  });

  router.post('/interaction/:uid/prentje/:pupilId', async (ctx) => {
    const form = await readForm(ctx);
    const lang = langOf(ctx, form);
    const session = await classSession(ctx);
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const pupilId = ctx.params.pupilId as string;
    if (!session) return showPictures(ctx, session, details.uid, pupilId);

    const result = await login.withPicture({
      session,
      pupilId,
      picture: form.get('picture') ?? '',
      ip: ctx.ip,
    });
    if (!result.ok) {
      const t = textsFor(lang);
      const error =
        result.reason === 'locked' ? t.locked(result.retryAfterSeconds) : t.wrongPicture;
      const status = result.reason === 'locked' ? 429 : 401;
      return showPictures(ctx, session, details.uid, pupilId, error, status);
    }

    const interaction = { details, clientName: clientName(details.params.client_id) };
    await finishPupilLogin(ctx, services, interaction, result.account.pupilId);
  });

  async function showPictures(
    ctx: Context,
    session: ClassSession | undefined,
    uid: string,
    pupilId: string,
    error?: string,
    status = 200,
  ) {
    const lang = langOf(ctx);
    const t = textsFor(lang);
    const pictures = session ? await classPages.pictures(session, pupilId) : undefined;
    const entry = session
      ? (await classPages.grid(session)).find((candidate) => candidate.pupilId === pupilId)
      : undefined;
    // No class page, or not a child of this class: back to the ordinary login.
    if (!pictures || !entry) {
      ctx.redirect(`/interaction/${uid}`);
      return;
    }
    render(
      ctx,
      'account/pictures',
      {
        lang,
        t,
        uid,
        pupilId,
        pictures,
        error,
        title: t.picturesTitle(entry.label.split(' ')[0] ?? ''),
      },
      status,
    );
  }

  return router;
}
