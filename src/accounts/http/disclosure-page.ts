/**
 * /account/mijn-gegevens: the pupil's own view of the privacy log, which
 * platforms received which of their data and when, and what the school did
 * with the account. The pupil signs in on the page itself (the same limits
 * as every password check); the answer is that one page, never cached.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { disclosureReport, type DisclosureLine } from '../../audit/query.js';
import type { PrivacyLogWriter } from '../../audit/writer.js';
import { readForm } from '../../http/forms.js';
import type { Lang } from '../../mail/messages.js';
import type { Db } from '../../store/db.js';
import type { AccountModule } from '../index.js';
import { DISCLOSURE_TEXTS, type DisclosureTexts } from './disclosure-texts.js';
import { langOf } from './lang.js';
import { render, textsFor } from './render.js';

const PATH = '/account/mijn-gegevens';
/** The newest lines shown; a DPO export has them all. */
const MAX_LINES = 500;
const CLIENT_KINDS = new Set(['disclosure.id_token', 'disclosure.userinfo', 'api.lookup']);

export interface DisclosurePageDeps {
  accounts: AccountModule;
  db: Db;
  privacyLog: PrivacyLogWriter;
  /** Platform names by client id. */
  clientName: (clientId: string) => string;
}

export function createDisclosurePage(deps: DisclosurePageDeps) {
  const router = new Router();

  function signInForm(ctx: Context, lang: Lang, error?: string, status = 200) {
    const t = textsFor(lang);
    render(
      ctx,
      'account/form',
      {
        lang,
        t,
        title: t.disclosuresTitle,
        intro: DISCLOSURE_TEXTS[lang].intro,
        action: PATH,
        fields: [
          { name: 'username', label: t.username, type: 'text', autocomplete: 'username' },
          {
            name: 'password',
            label: t.currentPassword,
            type: 'password',
            autocomplete: 'current-password',
          },
        ],
        submit: DISCLOSURE_TEXTS[lang].show,
        error,
        links: [{ href: '/account', label: t.accountTitle }],
      },
      status,
    );
  }

  router.get(PATH, (ctx) => signInForm(ctx, langOf(ctx)));

  router.post(PATH, async (ctx) => {
    const form = await readForm(ctx);
    const lang = langOf(ctx, form);
    const t = textsFor(lang);
    const result = await deps.accounts.login.withPassword({
      username: form.get('username') ?? '',
      password: form.get('password') ?? '',
      ip: ctx.ip,
    });
    if (!result.ok) {
      const locked = result.reason === 'locked';
      const error = locked ? t.locked(result.retryAfterSeconds) : t.wrongCredentials;
      return signInForm(ctx, lang, error, locked ? 429 : 401);
    }

    // What is queued counts too: the pupil's own last login belongs on the page.
    await deps.privacyLog.flush();
    const pupilId = result.account.pupilId;
    const lines = (await disclosureReport(deps.db, pupilId)).reverse().slice(0, MAX_LINES);
    deps.privacyLog.record({
      kind: 'pupil.action',
      actorType: 'pupil',
      actor: pupilId,
      pupilId,
      purpose: 'privacy overview viewed',
      data: {},
    });

    const d = DISCLOSURE_TEXTS[lang];
    render(ctx, 'account/disclosures', {
      lang,
      t,
      d,
      title: t.disclosuresTitle,
      platforms: lines.filter((l) => CLIENT_KINDS.has(l.kind)).map((l) => platformRow(l, d, deps)),
      school: lines.filter((l) => l.recipientType === 'admin').map((l) => schoolRow(l, d)),
      truncated: lines.length === MAX_LINES ? d.truncated(MAX_LINES) : undefined,
      links: [{ href: '/account', label: t.accountTitle }],
    });
  });

  return router;
}

const when = (line: DisclosureLine) => line.at.slice(0, 16).replace('T', ' ');

function platformRow(line: DisclosureLine, d: DisclosureTexts, deps: DisclosurePageDeps) {
  const claims = Array.isArray(line.data.claims) ? (line.data.claims as string[]) : [];
  return {
    when: when(line),
    who: deps.clientName(line.recipient),
    what: claims.map((claim) => d.claims[claim] ?? claim).join(', '),
    why: line.legalBasis
      ? `${purposeText(line.purpose, d)} (${d.legalBasis}: ${line.legalBasis})`
      : purposeText(line.purpose, d),
  };
}

function schoolRow(line: DisclosureLine, d: DisclosureTexts) {
  const fields = Array.isArray(line.data.fields) ? (line.data.fields as string[]) : [];
  return {
    when: when(line),
    who: d.yourSchool,
    what: fields.map((field) => d.fields[field] ?? field).join(', '),
    why: purposeText(line.purpose, d),
  };
}

/** The purpose in the pupil's words; "<action>: shown" is what that action showed. */
function purposeText(purpose: string, d: DisclosureTexts): string {
  const [action, shown] = purpose.split(': ');
  const text = d.purposes[action ?? ''] ?? purpose;
  return shown === 'shown' ? `${text}, ${d.shown}` : text;
}
