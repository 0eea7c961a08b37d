/** Schools, platforms and pupils of the login-flow suite (all synthetic). */
import type { ClientRegistration } from '../../../src/oidc/clients.js';
import type { PupilSpec } from '../../helpers/factories.js';
import { REDIRECT_URI } from '../../helpers/relying-party.js';

export const SCHOOL_A = '000101';
export const SCHOOL_B = '000202';
export const SCHOOL_C = '000303';

/** 15 October 2026, mid-morning in Brussels. */
export const NOW = new Date('2026-10-15T08:30:00Z');

const base = {
  public: false,
  redirect_uris: [REDIRECT_URI],
  post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
};

export const CLIENTS: ClientRegistration[] = [
  {
    ...base,
    client_id: 'platform-a',
    client_name: 'Platform A',
    client_secret: 'secret-of-platform-a-0123456789abcdef',
    institutions: [SCHOOL_A],
    scopes: ['openid', 'profile', 'leerid', 'offline_access'],
  },
  {
    ...base,
    client_id: 'platform-insz',
    client_name: 'Platform met INSZ',
    client_secret: 'secret-of-platform-insz-0123456789abcdef',
    institutions: [SCHOOL_A, SCHOOL_B],
    scopes: ['openid', 'profile', 'leerid', 'insz'],
    inszLegalBasis: 'Decreet van 1 januari 2030, artikel 99 (fictief, voor tests)',
  },
  {
    ...base,
    client_id: 'platform-c',
    public: true,
    institutions: [SCHOOL_C],
    scopes: ['openid', 'profile', 'leerid'],
  },
];

export const PASSWORD = 'correct-horse-battery';

export const PUPILS = {
  twoSchools: {
    givenName: 'Sam',
    familyName: 'Vandenbroeck',
    insz: '12050400101',
    username: 'sam.vandenbroeck',
    password: PASSWORD,
    enrolments: [
      { institution: SCHOOL_A, group: '1A', kind: 'secundair' },
      { institution: SCHOOL_B, group: '1B', kind: 'secundair' },
      { institution: SCHOOL_C, group: '6C', start: '2025-09-01', end: '2026-06-30' },
    ],
  },
  ended: {
    givenName: 'Lien',
    familyName: 'De Smedt',
    username: 'lien.desmedt',
    password: PASSWORD,
    enrolments: [{ institution: SCHOOL_A, start: '2025-09-01', end: '2026-06-30' }],
  },
  /** Leaves school A in the test: the nightly sync ends the enrolment. */
  leaving: {
    givenName: 'Jonas',
    familyName: 'Wouters',
    username: 'jonas.wouters',
    password: PASSWORD,
    enrolments: [{ institution: SCHOOL_A, group: '2A' }],
  },
  otherSchool: {
    givenName: 'Noor',
    familyName: 'Claes',
    username: 'noor.claes',
    password: PASSWORD,
    enrolments: [{ institution: SCHOOL_C, kind: 'lager', group: '3L' }],
  },
} satisfies Record<string, PupilSpec>;
