/** Schools, platforms and pupils of the browser suite (all synthetic). */
import type { ClientRegistration } from '../../src/oidc/clients.js';
import type { ChildSpec } from '../helpers/accounts.js';

export const SCHOOL_A = '000101';
export const SCHOOL_B = '000202';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

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

const year = new Date().getUTCFullYear();
/** Enrolments from 2000 on, open-ended: current whatever the machine's date. */
const since2000 = (institution: string, group: string, kind: string) => ({
  institution,
  group,
  kind,
  start: '2000-09-01',
  end: null,
});

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

export const DEMO_ADMIN = {
  username: 'demo-beheerder',
  password: 'demo-admin-password-for-tests',
  institutions: [SCHOOL_A],
};
