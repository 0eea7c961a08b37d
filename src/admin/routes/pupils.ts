/**
 * The pupil list (search, class and state filters, keyset pages), one
 * pupil's page, and the account actions on it. Each pupil check happens in
 * the account services; every view and action goes to the privacy log.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Credential } from '../../accounts/admin-service.js';
import { LeerIdError } from '../../errors/index.js';
import {
  ACCOUNT_STATES,
  type AccountState,
  type Cursor,
  type PupilSearch,
} from '../../store/school-pupils.js';
import { consoleState, pupilIdOf, schoolOf, type ConsoleDeps } from '../deps.js';
import { renderLoginLetters } from '../letters.js';
import { renderConsole } from '../render.js';
import { CONSOLE_PATH } from '../session.js';

const PAGE_SIZE = 50;
const LIST_FIELDS = ['name', 'username', 'class', 'stamnummer', 'account_state'];
const DETAIL_FIELDS = ['name', 'username', 'enrolments', 'account_state', 'last_login'];
/** Outcomes an action may announce on the pupil's page after its redirect. */
const DONE = ['picture', 'unlocked', 'blocked', 'unblocked', 'handover'] as const;

export function pupilRoutes(router: Router, deps: ConsoleDeps) {
  const { accounts, audit, pupils, services } = deps;
  const admin = accounts.admin;

  router.get('/leerlingen', async (ctx) => {
    const state = consoleState(ctx);
    const q = ctx.query;
    const school = typeof q.school === 'string' && q.school ? schoolOf(state.admin, q.school) : '';
    const search: PupilSearch = {
      institutions: school ? [school] : state.admin.institutions,
      today: services.today(),
      ...(typeof q.q === 'string' && q.q.trim() ? { text: q.q.slice(0, 100) } : {}),
      ...(typeof q.klas === 'string' && q.klas ? { group: q.klas.slice(0, 64) } : {}),
      ...(isState(q.status) ? { state: q.status } : {}),
    };
    const cursor = cursorOf(q.na, 'after') ?? cursorOf(q.voor, 'before');

    const [total, page, classes] = await Promise.all([
      pupils.count(search),
      pupils.findPage(search, cursor, PAGE_SIZE),
      pupils.findClasses({ institutions: state.admin.institutions, today: search.today }),
    ]);
    for (const row of page.rows) audit.viewed(state.admin, row.id, 'pupil list', LIST_FIELDS);

    const backwards = cursor?.direction === 'before';
    const first = page.rows[0];
    const last = page.rows.at(-1);
    const link = (key: string, row: (typeof page.rows)[number]) => {
      const params = new URLSearchParams();
      for (const name of ['q', 'klas', 'status', 'school']) {
        const value = q[name];
        if (typeof value === 'string' && value) params.set(name, value);
      }
      params.set(key, encodeCursor(row));
      return `${CONSOLE_PATH}/leerlingen?${params.toString()}`;
    };

    renderConsole(ctx, state, 'pupils', {
      title: state.t.pupilsTitle,
      nav: 'pupils',
      rows: page.rows,
      total,
      query: {
        q: search.text ?? '',
        klas: search.group ?? '',
        status: search.state ?? '',
        school,
      },
      groups: [...new Set(classes.map((c) => c.administrativeGroup))].sort(),
      states: ACCOUNT_STATES,
      previous: first && (backwards ? page.hasMore : cursor) ? link('voor', first) : undefined,
      next: last && (backwards || page.hasMore) ? link('na', last) : undefined,
    });
  });

  router.get('/leerlingen/:id', async (ctx) => {
    const state = consoleState(ctx);
    const pupilId = pupilIdOf(ctx);
    const account = await admin.getAccount(state.admin, pupilId);
    const enrolments = await pupils.findEnrolments(pupilId, {
      institutions: state.admin.institutions,
      today: services.today(),
    });
    audit.viewed(state.admin, pupilId, 'pupil detail', DETAIL_FIELDS);

    const done = DONE.find((value) => value === ctx.query.gedaan);
    renderConsole(ctx, state, 'pupil', {
      title: `${account.givenName} ${account.familyName}`,
      nav: 'pupils',
      account,
      enrolments,
      notice: done ? noticeOf(state.t, done) : undefined,
    });
  });

  /** An action whose answer is the pupil's page again, with a notice. */
  function action(
    path: string,
    name: string,
    done: (typeof DONE)[number],
    run: (ctx: Context, pupilId: string) => Promise<void>,
  ) {
    router.post(`/leerlingen/:id/${path}`, async (ctx) => {
      const state = consoleState(ctx);
      const pupilId = pupilIdOf(ctx);
      await run(ctx, pupilId);
      audit.acted(state.admin, pupilId, name);
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/leerlingen/${pupilId}?gedaan=${done}`);
    });
  }

  action('prentje', 'picture.assign', 'picture', async (ctx, id) => {
    await admin.assignPicture(consoleState(ctx).admin, id);
  });
  action('ontgrendelen', 'login_lock.clear', 'unlocked', async (ctx, id) => {
    await admin.clearLoginLock(consoleState(ctx).admin, id);
  });
  action('blokkeren', 'account.block', 'blocked', async (ctx, id) => {
    await admin.blockAccount(consoleState(ctx).admin, id);
  });
  action('deblokkeren', 'account.unblock', 'unblocked', async (ctx, id) => {
    await admin.unblockAccount(consoleState(ctx).admin, id);
  });
  action('overdracht', 'account.handover_started', 'handover', async (ctx, id) => {
    const state = consoleState(ctx);
    await admin.startHandover(state.admin, id, state.form.get('email') ?? '', state.lang);
  });

  /** Actions that show a credential once, on a page of its own. */
  function credentialAction(
    path: string,
    name: string,
    run: (ctx: Context, pupilId: string) => Promise<Credential>,
  ) {
    router.post(`/leerlingen/:id/${path}`, async (ctx) => {
      const state = consoleState(ctx);
      const pupilId = pupilIdOf(ctx);
      const credential = await run(ctx, pupilId);
      audit.acted(state.admin, pupilId, name);
      audit.viewed(state.admin, pupilId, `${name}: shown`, credentialFields(credential));
      renderConsole(ctx, state, 'credential', {
        title: state.t.credentialTitle,
        nav: 'pupils',
        credential,
      });
    });
  }

  credentialAction('account', 'account.create', (ctx, id) =>
    admin.createAccount(consoleState(ctx).admin, id),
  );
  credentialAction('wachtwoord', 'password.generate', (ctx, id) =>
    admin.generatePassword(consoleState(ctx).admin, id),
  );
  credentialAction('wachtwoord-tonen', 'password.read', async (ctx, id) => {
    const state = consoleState(ctx);
    const account = await admin.getAccount(state.admin, id);
    const password = await admin.readSchoolPassword(state.admin, id);
    const { givenName, familyName, username } = account;
    return { pupilId: id, givenName, familyName, username, password };
  });

  router.post('/leerlingen/:id/brief', async (ctx) => {
    const state = consoleState(ctx);
    const pupilId = pupilIdOf(ctx);
    const credential = await admin.createAccount(state.admin, pupilId);
    const enrolments = await pupils.findEnrolments(pupilId, {
      institutions: state.admin.institutions,
      today: services.today(),
    });
    const school = enrolments[0]?.institutionNumber ?? state.admin.institutions[0] ?? '';
    audit.acted(state.admin, pupilId, 'login_letter.print', {
      fields: credentialFields(credential),
    });
    sendPdf(
      ctx,
      `aanmeldbrief-${credential.username}.pdf`,
      await renderLoginLetters([credential], {
        t: state.t,
        loginAddress: services.config.issuer,
        schoolName: state.schoolNames?.get(school) ?? school,
      }),
    );
  });
}

export function credentialFields(credential: Credential): string[] {
  return [
    'name',
    'username',
    ...(credential.password ? ['password'] : []),
    ...(credential.picture ? ['picture'] : []),
  ];
}

export function sendPdf(ctx: Context, filename: string, pdf: Buffer) {
  ctx.status = 200;
  ctx.type = 'application/pdf';
  ctx.set('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = pdf;
}

function noticeOf(t: ReturnType<typeof consoleState>['t'], done: (typeof DONE)[number]): string {
  const notices = {
    picture: t.pictureDone,
    unlocked: t.lockCleared,
    blocked: t.blocked,
    unblocked: t.unblocked,
    handover: t.handoverSent,
  };
  return notices[done];
}

function isState(value: unknown): value is AccountState {
  return typeof value === 'string' && (ACCOUNT_STATES as readonly string[]).includes(value);
}

function encodeCursor(row: { familyName: string; givenName: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.familyName, row.givenName, row.id])).toString('base64url');
}

function cursorOf(value: unknown, direction: Cursor['direction']): Cursor | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((part) => typeof part === 'string' && part.length <= 200)
    ) {
      const [familyName, givenName, id] = parsed as [string, string, string];
      return { familyName, givenName, id, direction };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new LeerIdError('admin.bad_request', 'Malformed page cursor.', { status: 400 });
}
