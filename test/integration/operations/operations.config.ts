/** The school, platform and pupil of the operations suites (all synthetic). */
import type { ClientRegistration } from '../../../src/oidc/clients.js';
import type { PupilSpec } from '../../helpers/factories.js';

export const SCHOOL = '000808';
export const CALLBACK = 'http://127.0.0.1:9/callback';
export const AFTER_LOGOUT = 'http://127.0.0.1:9/bye';
/** The user agent stops at the relying party, for the callback and after logout. */
export const RELYING_PARTY_ORIGIN = 'http://127.0.0.1:9/';

export const CLIENT: ClientRegistration = {
  client_id: 'platform-ops',
  client_name: 'Platform Ops',
  client_secret: 'secret-of-platform-ops-0123456789abcdef',
  public: false,
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: [AFTER_LOGOUT],
  institutions: [SCHOOL],
  scopes: ['openid', 'profile', 'leerid', 'offline_access'],
};

export const PASSWORD = 'operations-password-42';

/** Enrolled since long ago and without end, so "today" is inside on any clock. */
export const PUPIL: PupilSpec = {
  givenName: 'Jef',
  familyName: 'Peeters',
  username: 'jef.peeters',
  password: PASSWORD,
  enrolments: [{ institution: SCHOOL, start: '2000-09-01' }],
};
