/**
 * The operations of the pupil API. Each handler gets the authenticated
 * caller and the validated request, and returns a status and a body; the
 * router validates that body against the OpenAPI document in tests.
 */
import type { PrivacyEvent } from '../audit/entry.js';
import type { Services } from '../services.js';
import type { Enrolment, Pupil } from '../store/pupils.js';
import { createPupilListStore } from '../store/pupils.js';
import type { Caller } from './caller.js';
import { refuseUnseen, type CredentialCheck } from './credentials.js';
import { ApiProblem } from './problem.js';
import { pupilView, visibleEnrolments, type PupilView } from './pupil-view.js';

export interface ApiRequest {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

type Handler = (caller: Caller, request: ApiRequest) => Promise<ApiResult>;

/** A well-formed id that no pupil has (the nil UUID). */
const NO_PUPIL = '00000000-0000-0000-0000-000000000000';

export function createHandlers(services: Services, checkCredentials: CredentialCheck) {
  const lists = createPupilListStore(services.db);

  async function linkedOf(caller: Caller): Promise<Set<string>> {
    if (caller.registration.allInstitutions) return new Set();
    return new Set(await services.links.findInstitutions(caller.registration.client_id));
  }

  /** Loads one pupil as the caller may see them, and logs the disclosure. */
  async function viewOne(caller: Caller, pupilId: string, purpose: string) {
    const pupil = await services.pupils.findById(pupilId);
    if (!pupil) return undefined;
    const current = await services.pupils.findCurrentEnrolments(pupilId, services.today());
    const view = pupilView(
      caller,
      pupil,
      visibleEnrolments(caller, await linkedOf(caller), current),
    );
    if (view) services.privacyLog.record(lookupEvent(caller, view, purpose));
    return view;
  }

  /**
   * Whether `username` names a pupil with a current enrolment in a school
   * linked to the caller. An unknown username makes the same reads (for an
   * id no pupil has), so the time taken does not set it apart.
   */
  async function seesUsername(caller: Caller, username: string): Promise<boolean> {
    const account = await services.accounts.findByUsername(username.trim().toLowerCase());
    const pupilId = account?.pupilId ?? NO_PUPIL;
    const current = await services.pupils.findCurrentEnrolments(pupilId, services.today());
    return visibleEnrolments(caller, await linkedOf(caller), current).length > 0;
  }

  const handlers: Record<string, Handler> = {
    async getPupil(caller, { params }) {
      const view = await viewOne(caller, params.id as string, 'pupil lookup by id');
      if (!view) throw new ApiProblem('api.not_found', 'no such pupil in your schools');
      return { status: 200, body: view };
    },

    async findPupils(caller, { query }) {
      const username = String(query.username).trim().toLowerCase();
      const account = await services.accounts.findByUsername(username);
      const view = account
        ? await viewOne(caller, account.pupilId, 'pupil lookup by username')
        : undefined;
      return { status: 200, body: { pupils: view ? [view] : [] } };
    },

    async listPupilEnrolments(caller, { params }) {
      const view = await viewOne(caller, params.id as string, 'enrolment lookup');
      if (!view) throw new ApiProblem('api.not_found', 'no such pupil in your schools');
      return { status: 200, body: { enrolments: view.enrolments } };
    },

    async verifyCredentials(caller, { body }) {
      const { username, password } = body as { username: string; password: string };
      // Visibility before the password: to this caller a pupil of other
      // schools is an unknown username, whose failures count nowhere.
      const outcome = (await seesUsername(caller, username))
        ? await checkCredentials(username, password)
        : await refuseUnseen(password);
      if (outcome.result === 'locked') {
        throw new ApiProblem('api.account_locked', undefined, {
          retry_after: outcome.retryAfterSeconds,
        });
      }
      if (outcome.result === 'invalid') throw new ApiProblem('api.invalid_credentials');

      // Out of view only if an enrolment ended since the check above.
      const view = await viewOne(caller, outcome.pupilId, 'credential verification');
      if (!view) throw new ApiProblem('api.invalid_credentials');
      return { status: 200, body: { valid: true, pupil: view } };
    },

    async listSchoolPupils(caller, { params, query }) {
      const institution = params.institutionNumber as string;
      const linked = await linkedOf(caller);
      if (!caller.registration.allInstitutions && !linked.has(institution)) {
        throw new ApiProblem('api.not_found', 'this school is not linked to you');
      }

      const limit = Number(query.limit ?? 100);
      const after = typeof query.after === 'string' ? query.after : undefined;
      const today = services.today();
      const ids = await lists.findIdsEnrolledIn(institution, today, {
        limit,
        ...(after ? { after } : {}),
      });
      const pupils = await lists.findByIds(ids);
      const enrolments = await lists.findCurrentEnrolments(ids, today);

      const views = ids.flatMap((id) => {
        const view = toView(caller, linked, pupils.get(id), enrolments.get(id) ?? []);
        return view ? [view] : [];
      });
      for (const view of views) {
        services.privacyLog.record(lookupEvent(caller, view, 'school pupil list'));
      }
      const next = ids.length === limit ? (ids.at(-1) ?? null) : null;
      return { status: 200, body: { pupils: views, next } };
    },
  };

  return handlers;
}

function toView(
  caller: Caller,
  linked: Set<string>,
  pupil: Pupil | undefined,
  current: Enrolment[],
): PupilView | undefined {
  return pupil ? pupilView(caller, pupil, visibleEnrolments(caller, linked, current)) : undefined;
}

function lookupEvent(caller: Caller, view: PupilView, purpose: string): PrivacyEvent {
  const claims = Object.keys(view).sort();
  return {
    kind: 'api.lookup',
    actorType: 'client',
    actor: caller.registration.client_id,
    pupilId: view.id,
    purpose,
    legalBasis: view.insz ? (caller.registration.inszLegalBasis ?? null) : null,
    data: { claims, institutions: view.enrolments.map((e) => e.institution_number) },
  };
}
