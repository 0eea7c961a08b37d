/** Schools, platforms and pupils of the browser suite (all synthetic). */
import type { ChildSpec } from '../helpers/accounts.js';
import { SCHOOL_A, SCHOOL_B, since2000, year } from '../integration/admin/admin.config.js';

// The console suites share their schools, platforms and demo administrator.
export { CLIENTS, DEMO_ADMIN, SCHOOL_A, SCHOOL_B } from '../integration/admin/admin.config.js';
export { REDIRECT_URI } from '../helpers/relying-party.js';

const primary = (givenName: string, familyName: string): ChildSpec => ({
  givenName,
  familyName,
  birthDate: `${year - 10}-02-01`,
  enrolments: [since2000(SCHOOL_A, '5A', 'lager')],
});

const nursery = (givenName: string, familyName: string): ChildSpec => ({
  givenName,
  familyName,
  birthDate: `${year - 4}-06-01`,
  enrolments: [since2000(SCHOOL_A, 'K2', 'kleuter')],
});

export const PUPILS = {
  amber: primary('Amber', 'Janssens'),
  bas: primary('Bas', 'Maes'),
  chloe: primary('Chloé', 'Wouters'),
  lotte: nursery('Lotte', 'Van den Broeck'),
  noor: nursery('Noor', 'Claes'),
  ruben: {
    givenName: 'Ruben',
    familyName: 'Peeters',
    birthDate: `${year - 15}-05-04`,
    enrolments: [since2000(SCHOOL_A, '3B', 'secundair')],
  },
  // Same class name in another school: never on school A's pages or letters.
  bert: {
    givenName: 'Bert',
    familyName: 'Anders',
    birthDate: `${year - 10}-03-01`,
    enrolments: [since2000(SCHOOL_B, '5A', 'lager')],
  },
} satisfies Record<string, ChildSpec>;
