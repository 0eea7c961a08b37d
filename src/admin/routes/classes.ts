/**
 * Whole classes: generate passwords, print login letters (one page per
 * pupil), print picture cards for a nursery class (with a fresh class code
 * for the class device). The school must be the administrator's; the
 * services check it again.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Credential } from '../../accounts/admin-service.js';
import { LeerIdError } from '../../errors/index.js';
import { isNurseryClass } from '../../store/school-pupils.js';
import { consoleState, groupOf, schoolOf, type ConsoleDeps } from '../deps.js';
import { renderLoginLetters, renderPictureCards } from '../letters.js';
import { renderConsole } from '../render.js';
import { credentialFields, sendPdf } from './pupils.js';

export function classRoutes(router: Router, deps: ConsoleDeps) {
  const { accounts, audit, pupils, services } = deps;

  router.get('/klassen', async (ctx) => {
    const state = consoleState(ctx);
    const classes = await pupils.findClasses({
      institutions: state.admin.institutions,
      today: services.today(),
    });
    renderConsole(ctx, state, 'classes', {
      title: state.t.classesTitle,
      nav: 'classes',
      classes: classes.map((summary) => ({ ...summary, nursery: isNurseryClass(summary) })),
    });
  });

  /** The class named by the form, its credentials, and the privacy log entries. */
  async function classCredentials(ctx: Context, regenerate: boolean, purpose: string) {
    const state = consoleState(ctx);
    const school = schoolOf(state.admin, state.form.get('school'));
    const group = groupOf(state.form.get('klas'));
    const credentials = await accounts.admin.generateClassCredentials(state.admin, school, group, {
      regenerate,
    });
    if (credentials.length === 0) {
      throw new LeerIdError('account.forbidden', 'No such class in this school.', { status: 404 });
    }
    for (const credential of credentials) {
      audit.acted(state.admin, credential.pupilId, purpose, {
        class: group,
        fields: credentialFields(credential),
      });
    }
    return { state, school, group, credentials };
  }

  router.post('/klassen/wachtwoorden', async (ctx) => {
    const regenerate = consoleState(ctx).form.get('opnieuw') === '1';
    const { state, school, group, credentials } = await classCredentials(
      ctx,
      regenerate,
      'class_credentials.generate',
    );
    renderConsole(ctx, state, 'class-credentials', {
      title: state.t.classCredentialsTitle(group),
      nav: 'classes',
      school,
      group,
      credentials,
    });
  });

  router.post('/klassen/brieven', async (ctx) => {
    const { state, school, group, credentials } = await classCredentials(
      ctx,
      false,
      'login_letter.print',
    );
    const pdf = await renderLoginLetters(credentials, {
      t: state.t,
      loginAddress: services.config.issuer,
      schoolName: state.schoolNames?.get(school) ?? school,
    });
    sendPdf(ctx, `aanmeldbrieven-${school}-${group}.pdf`, pdf);
  });

  router.post('/klassen/prentkaarten', async (ctx) => {
    const { state, school, group, credentials } = await classCredentials(
      ctx,
      false,
      'picture_card.print',
    );
    const withPicture: Credential[] = credentials.filter((credential) => credential.picture);
    const classCode = await accounts.classPages.issueClassCode(state.admin, school, group);
    audit.acted(state.admin, null, 'class_code.issue', { school, class: group });
    const pdf = await renderPictureCards(group, classCode, withPicture, {
      t: state.t,
      loginAddress: services.config.issuer,
      schoolName: state.schoolNames?.get(school) ?? school,
      validUntil: new Date(classCode.expiresAt).toISOString().slice(0, 10),
    });
    sendPdf(ctx, `prentkaarten-${school}-${group}.pdf`, pdf);
  });
}
