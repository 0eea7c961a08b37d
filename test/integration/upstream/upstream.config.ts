/**
 * Schools, platforms, pupils and upstream people of the upstream suites (all
 * synthetic: the INSZ numbers only have valid check digits).
 */
import type { ClientRegistration } from '../../../src/oidc/clients.js';
import type { PupilSpec } from '../../helpers/factories.js';
import { REDIRECT_URI } from '../../helpers/relying-party.js';

export const SCHOOL_A = '000101';
export const SCHOOL_B = '000202';

export const CLIENTS: ClientRegistration[] = [
  {
    client_id: 'platform-a',
    client_name: 'Platform A',
    public: false,
    client_secret: 'secret-of-platform-a-0123456789abcdef',
    redirect_uris: [REDIRECT_URI],
    // The browser helper stops at REDIRECT_URI, so logout lands there too.
    post_logout_redirect_uris: [`${REDIRECT_URI}?logged-out`],
    institutions: [SCHOOL_A],
    scopes: ['openid', 'profile', 'leerid'],
  },
];

export const secretOf = (clientId: string) =>
  CLIENTS.find((client) => client.client_id === clientId)?.client_secret;

/** Enrolments from 2000 on, open-ended: current whatever the test machine's date. */
const since2000 = (institution: string, group: string) => ({
  institution,
  group,
  start: '2000-09-01',
  end: null,
});

export const PUPILS = {
  byUuid: {
    givenName: 'Lotte',
    familyName: 'Peeters',
    insz: '11020304542',
    username: 'lotte.peeters',
    enrolments: [since2000(SCHOOL_A, '2A'), since2000(SCHOOL_B, '2B')],
  },
  byInsz: {
    givenName: 'Milan',
    familyName: 'Wouters',
    insz: '12050400101',
    username: 'milan.wouters',
    enrolments: [since2000(SCHOOL_A, '1C')],
  },
} satisfies Record<string, PupilSpec>;

/** An INSZ with valid check digits that belongs to no pupil. */
export const UNKNOWN_INSZ = '13091112309';

export const ADMIN_ROLE = 'LeerIDBeheerder:000101';
