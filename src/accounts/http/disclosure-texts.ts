/** The words of the pupil's "where did my data go" page, in Dutch and English. */
import type { Lang } from '../../mail/messages.js';

const nl = {
  intro:
    'Hier zie je welke leerplatformen welke gegevens van jou kregen en wanneer, en wat je ' +
    'school in LeerID met je account deed. Meld je aan om het overzicht te zien.',
  show: 'Toon mijn overzicht',
  platformsHeading: 'Leerplatformen die gegevens van jou kregen',
  schoolHeading: 'Wat je school met je account deed',
  when: 'Wanneer',
  who: 'Wie',
  what: 'Welke gegevens',
  why: 'Waarom',
  none: 'Er is nog niets opgetekend.',
  yourSchool: 'Je school (LeerID-beheerder)',
  legalBasis: 'Wettelijke grond',
  truncated: (n: number) => `Alleen de laatste ${n} regels worden getoond.`,
  shown: 'getoond aan de beheerder',
  purposes: {
    'login to a learning platform': 'je aanmelding bij het platform',
    'pupil list': 'bekeken in de leerlingenlijst',
    'pupil detail': 'je accountpagina bekeken',
    'account.create': 'account aangemaakt',
    'password.generate': 'nieuw wachtwoord gemaakt',
    'password.read': 'wachtwoord bekeken',
    'picture.assign': 'nieuw prentje gegeven',
    'login_lock.clear': 'blokkering na mislukte pogingen opgeheven',
    'account.block': 'account geblokkeerd',
    'account.unblock': 'account gedeblokkeerd',
    'account.handover_started': 'overdracht naar jou gestart (e-mail)',
    'login_letter.print': 'aanmeldbrief afgedrukt',
    'picture_card.print': 'prentkaart afgedrukt',
    'class_credentials.generate': 'aanmeldgegevens van de klas gemaakt',
  } as Record<string, string>,
  claims: {
    sub: 'je LeerID-nummer',
    name: 'je naam',
    given_name: 'je voornaam',
    family_name: 'je familienaam',
    preferred_username: 'je gebruikersnaam',
    enrolments: 'je school en klas',
    insz: 'je rijksregisternummer',
  } as Record<string, string>,
  fields: {
    name: 'naam',
    username: 'gebruikersnaam',
    class: 'klas',
    stamnummer: 'stamnummer',
    account_state: 'accountstatus',
    enrolments: 'inschrijvingen',
    last_login: 'laatste aanmelding',
    password: 'wachtwoord',
    picture: 'prentje',
  } as Record<string, string>,
};

export type DisclosureTexts = typeof nl;

const en: DisclosureTexts = {
  intro:
    'Here you see which learning platforms received which of your data and when, and what ' +
    'your school did with your account in LeerID. Sign in to see the overview.',
  show: 'Show my overview',
  platformsHeading: 'Learning platforms that received your data',
  schoolHeading: 'What your school did with your account',
  when: 'When',
  who: 'Who',
  what: 'Which data',
  why: 'Why',
  none: 'Nothing has been recorded yet.',
  yourSchool: 'Your school (LeerID administrator)',
  legalBasis: 'Legal basis',
  truncated: (n: number) => `Only the last ${n} lines are shown.`,
  shown: 'shown to the administrator',
  purposes: {
    'login to a learning platform': 'your sign-in at the platform',
    'pupil list': 'seen in the pupil list',
    'pupil detail': 'your account page viewed',
    'account.create': 'account created',
    'password.generate': 'new password made',
    'password.read': 'password viewed',
    'picture.assign': 'new picture given',
    'login_lock.clear': 'lock after failed attempts lifted',
    'account.block': 'account blocked',
    'account.unblock': 'account unblocked',
    'account.handover_started': 'handover to you started (e-mail)',
    'login_letter.print': 'login letter printed',
    'picture_card.print': 'picture card printed',
    'class_credentials.generate': "class's sign-in details made",
  },
  claims: {
    sub: 'your LeerID number',
    name: 'your name',
    given_name: 'your given name',
    family_name: 'your family name',
    preferred_username: 'your username',
    enrolments: 'your school and class',
    insz: 'your national number',
  },
  fields: {
    name: 'name',
    username: 'username',
    class: 'class',
    stamnummer: 'stamnummer',
    account_state: 'account state',
    enrolments: 'enrolments',
    last_login: 'last sign-in',
    password: 'password',
    picture: 'picture',
  },
};

export const DISCLOSURE_TEXTS: Record<Lang, DisclosureTexts> = { nl, en };
