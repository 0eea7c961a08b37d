/** Schools and children of the account suites (all synthetic). */
import type { ChildSpec } from '../../helpers/accounts.js';

export const SCHOOL_A = '000101';
export const SCHOOL_B = '000202';
export const SCHOOL_X = '000909';

/** 15 October 2026, mid-morning in Brussels. */
export const NOW = '2026-10-15T08:30:00Z';

export const CHILDREN = {
  nursery: {
    givenName: 'Lotte',
    familyName: 'Van den Broeck',
    birthDate: '2022-03-01',
    enrolments: [{ institution: SCHOOL_A, kind: 'kleuter', group: 'K2A' }],
    noAccount: true,
  },
  primary: {
    givenName: 'Mats',
    familyName: 'Peeters',
    birthDate: '2018-01-01',
    enrolments: [{ institution: SCHOOL_A, kind: 'lager', group: '3A' }],
    noAccount: true,
  },
  twelve: {
    givenName: 'Ella',
    familyName: 'Claes',
    birthDate: '2014-01-10',
    enrolments: [{ institution: SCHOOL_B, kind: 'secundair', group: '1A' }],
    noAccount: true,
  },
  teen: {
    givenName: 'Ruben',
    familyName: 'Janssens',
    birthDate: '2012-05-04',
    enrolments: [
      { institution: SCHOOL_A, kind: 'secundair', group: '2B' },
      { institution: SCHOOL_B, kind: 'secundair', group: '2B' },
      {
        institution: SCHOOL_X,
        kind: 'secundair',
        group: '1B',
        start: '2024-09-01',
        end: '2026-06-30',
      },
    ],
    noAccount: true,
  },
} satisfies Record<string, ChildSpec>;
