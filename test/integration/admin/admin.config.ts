/** Schools, platforms and pupils of the admin console suites (all synthetic). */
import type { ClientRegistration } from '../../../src/oidc/clients.js';
import type { ChildSpec } from '../../helpers/accounts.js';
import { REDIRECT_URI } from '../../helpers/relying-party.js';

export const SCHOOL_A = '000101';
export const SCHOOL_B = '000202';

export const CLIENTS: ClientRegistration[] = [
  {
    client_id: 'platform-a',
    client_name: 'Platform A',
    client_secret: 'secret-of-platform-a-0123456789abcdef',
    public: false,
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
    institutions: [SCHOOL_A, SCHOOL_B],
    scopes: ['openid', 'profile', 'leerid'],
  },
  {
    client_id: 'platform-b',
    client_name: 'Platform B',
    client_secret: 'secret-of-platform-b-0123456789abcdef',
    public: false,
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
    institutions: [],
    scopes: ['openid', 'profile', 'leerid'],
  },
];

export const year = new Date().getUTCFullYear();
/** Enrolments from 2000 on, open-ended: current whatever the machine's date. */
export const since2000 = (institution: string, group: string, kind = 'secundair') => ({
  institution,
  group,
  kind,
  start: '2000-09-01',
  end: null,
});

export const PUPILS = {
  /** School A's own pupil. */
  ownTeen: {
    givenName: 'Amber',
    familyName: 'Janssens',
    birthDate: `${year - 15}-01-01`,
    enrolments: [since2000(SCHOOL_A, '3B')],
  },
  /** School B's pupil, in a class name school B alone has, and a teen. */
  otherTeen: {
    givenName: 'Xavier',
    familyName: 'Verborgen',
    birthDate: `${year - 15}-01-01`,
    enrolments: [since2000(SCHOOL_B, '7Z')],
  },
  /** School B's nursery child. */
  otherNursery: {
    givenName: 'Yara',
    familyName: 'Geheim',
    birthDate: `${year - 4}-01-01`,
    enrolments: [since2000(SCHOOL_B, 'K9', 'kleuter')],
  },
  /** Once in school A, enrolment ended: school A may no longer see the account. */
  formerPupil: {
    givenName: 'Zeno',
    familyName: 'Vroeger',
    birthDate: `${year - 15}-01-01`,
    enrolments: [
      { institution: SCHOOL_A, group: '3B', start: '2000-09-01', end: '2001-06-30' },
      since2000(SCHOOL_B, '7Z'),
    ],
  },
} satisfies Record<string, ChildSpec>;

export const DEMO_ADMIN = {
  username: 'demo-beheerder',
  password: 'demo-admin-password-for-tests',
  institutions: [SCHOOL_A],
};
