/** The words on the account pages, in Dutch and in English. */
import type { Lang } from '../../mail/messages.js';
import type { PasswordProblem } from '../password-policy.js';

const nl = {
  languageSwitch: 'English',
  accountTitle: 'Je LeerID-account',
  accountIntro:
    'Beheer je je account zelf? Dan kan je hier je wachtwoord wijzigen, een e-mailadres ' +
    'instellen om je wachtwoord te herstellen, of een vergeten wachtwoord opnieuw instellen. ' +
    'Beheert je school je account? Vraag dan je LeerID-beheerder.',
  changeTitle: 'Wachtwoord wijzigen',
  recoveryTitle: 'Herstel-e-mailadres instellen',
  forgotTitle: 'Wachtwoord vergeten',
  resetTitle: 'Nieuw wachtwoord kiezen',
  handoverTitle: 'Je account overnemen',
  confirmTitle: 'E-mailadres bevestigen',
  username: 'Gebruikersnaam',
  currentPassword: 'Huidig wachtwoord',
  newPassword: 'Nieuw wachtwoord',
  repeatPassword: 'Herhaal het nieuwe wachtwoord',
  passwordHint:
    'Minstens 8 tekens. Een zin of enkele woorden zijn goed; vermijd je gebruikersnaam ' +
    'en bekende wachtwoorden.',
  email: 'E-mailadres',
  identifier: 'Gebruikersnaam of herstel-e-mailadres',
  save: 'Bewaren',
  send: 'Versturen',
  confirm: 'Bevestigen',
  handoverIntro:
    'Kies een wachtwoord. Vanaf dan beheer je je account zelf en ziet je school het niet meer.',
  resetIntro: 'Kies een nieuw wachtwoord voor je LeerID-account.',
  confirmIntro: 'Bevestig dat je dit adres wil gebruiken om je wachtwoord te herstellen:',
  forgotIntro:
    'Vul je gebruikersnaam of je herstel-e-mailadres in. Beheer je je account zelf en ' +
    'heb je een herstel-e-mailadres, dan krijg je een e-mail met een link.',
  forgotDone:
    'Als er een account bij hoort dat je zelf beheert en een bevestigd herstel-e-mailadres ' +
    'heeft, is er nu een e-mail onderweg. De link werkt één uur. Niets ontvangen? Kijk ' +
    'bij ongewenste e-mail of vraag je LeerID-beheerder.',
  changeDone: 'Je wachtwoord is gewijzigd.',
  recoveryDone: 'We stuurden een e-mail met een bevestigingslink naar dat adres.',
  confirmDone: 'Je herstel-e-mailadres is bevestigd.',
  resetDone: 'Je nieuwe wachtwoord is ingesteld. Je kan je ermee aanmelden.',
  handoverDone: 'Je beheert je account nu zelf. Meld je aan met je nieuwe wachtwoord.',
  wrongCredentials: 'Deze combinatie van gebruikersnaam en wachtwoord klopt niet.',
  locked: (seconds: number) =>
    `Te veel mislukte pogingen. Probeer opnieuw over ${waitText(seconds, 'nl')}.`,
  schoolManaged: 'Je school beheert dit account. Vraag je LeerID-beheerder om hulp.',
  emailInvalid: 'Dit e-mailadres is niet geldig.',
  linkInvalid: 'Deze link is ongeldig. Vraag een nieuwe aan.',
  linkExpired: 'Deze link is verlopen. Vraag een nieuwe aan.',
  linkUsed: 'Deze link werd al gebruikt. Vraag een nieuwe aan als dat nodig is.',
  problem: {
    too_short: 'Dit wachtwoord is te kort: kies er een van minstens 8 tekens.',
    too_long: 'Dit wachtwoord is te lang: hoogstens 128 tekens.',
    common: 'Dit wachtwoord is te bekend: aanvallers proberen het eerst. Kies een ander.',
    username: 'Je wachtwoord mag je gebruikersnaam niet bevatten.',
    mismatch: 'De twee wachtwoorden zijn niet gelijk.',
  } satisfies Record<PasswordProblem, string>,
  classTitle: 'Klas openen',
  classIntro: 'Typ de klascode van je school. Dit toestel toont dan de klas bij het aanmelden.',
  classCode: 'Klascode',
  classOpen: 'Klas openen',
  classOpened: (group: string) =>
    `Klas ${group} is geopend op dit toestel. Open nu het leerplatform: de kinderen kiezen ` +
    'bij het aanmelden hun naam en hun prentje.',
  classInvalid: 'Deze klascode werkt niet (meer). Vraag een nieuwe aan je LeerID-beheerder.',
  classClose: 'Klas sluiten op dit toestel',
  classClosed: 'De klas is gesloten op dit toestel.',
  gridTitle: 'Wie ben jij?',
  gridEmpty: 'Er zijn geen kinderen met een prentje in deze klas.',
  withPassword: 'Aanmelden met gebruikersnaam en wachtwoord',
  picturesTitle: (name: string) => `Dag ${name}! Kies jouw prentje.`,
  wrongPicture: 'Dat is niet jouw prentje. Probeer nog eens.',
  back: 'Terug',
  disclosuresTitle: 'Waar gingen mijn gegevens naartoe?',
};

export type Texts = typeof nl;

const en: Texts = {
  languageSwitch: 'Nederlands',
  accountTitle: 'Your LeerID account',
  accountIntro:
    'Do you manage your own account? Then you can change your password here, set an ' +
    'e-mail address to recover your password, or reset a forgotten password. Does your ' +
    'school manage your account? Then ask your LeerID administrator.',
  changeTitle: 'Change password',
  recoveryTitle: 'Set a recovery e-mail address',
  forgotTitle: 'Forgot your password',
  resetTitle: 'Choose a new password',
  handoverTitle: 'Take over your account',
  confirmTitle: 'Confirm e-mail address',
  username: 'Username',
  currentPassword: 'Current password',
  newPassword: 'New password',
  repeatPassword: 'Repeat the new password',
  passwordHint:
    'At least 8 characters. A sentence or a few words work well; avoid your username ' +
    'and well-known passwords.',
  email: 'E-mail address',
  identifier: 'Username or recovery e-mail address',
  save: 'Save',
  send: 'Send',
  confirm: 'Confirm',
  handoverIntro:
    'Choose a password. From then on you manage your account and your school no longer sees it.',
  resetIntro: 'Choose a new password for your LeerID account.',
  confirmIntro: 'Confirm that you want to use this address to recover your password:',
  forgotIntro:
    'Enter your username or your recovery e-mail address. If you manage your own account ' +
    'and have a recovery address, you will receive an e-mail with a link.',
  forgotDone:
    'If this matches an account you manage yourself with a confirmed recovery address, an ' +
    'e-mail is on its way. The link works for one hour. Nothing arrived? Check your spam ' +
    'folder or ask your LeerID administrator.',
  changeDone: 'Your password has been changed.',
  recoveryDone: 'We sent an e-mail with a confirmation link to that address.',
  confirmDone: 'Your recovery e-mail address is confirmed.',
  resetDone: 'Your new password is set. You can sign in with it.',
  handoverDone: 'You now manage your own account. Sign in with your new password.',
  wrongCredentials: 'This username and password do not match.',
  locked: (seconds: number) => `Too many failed attempts. Try again in ${waitText(seconds, 'en')}.`,
  schoolManaged: 'Your school manages this account. Ask your LeerID administrator for help.',
  emailInvalid: 'This e-mail address is not valid.',
  linkInvalid: 'This link is not valid. Ask for a new one.',
  linkExpired: 'This link has expired. Ask for a new one.',
  linkUsed: 'This link has already been used. Ask for a new one if needed.',
  problem: {
    too_short: 'This password is too short: choose one of at least 8 characters.',
    too_long: 'This password is too long: 128 characters at most.',
    common: 'This password is too common: attackers try it first. Choose another.',
    username: 'Your password must not contain your username.',
    mismatch: 'The two passwords are not the same.',
  },
  classTitle: 'Open a class',
  classIntro: "Type your school's class code. This device then shows the class at sign-in.",
  classCode: 'Class code',
  classOpen: 'Open class',
  classOpened: (group: string) =>
    `Class ${group} is open on this device. Now open the learning platform: the children ` +
    'pick their name and their picture when signing in.',
  classInvalid: 'This class code does not work (any more). Ask your LeerID administrator.',
  classClose: 'Close the class on this device',
  classClosed: 'The class is closed on this device.',
  gridTitle: 'Who are you?',
  gridEmpty: 'No children in this class sign in with a picture.',
  withPassword: 'Sign in with username and password',
  picturesTitle: (name: string) => `Hello ${name}! Pick your picture.`,
  wrongPicture: 'That is not your picture. Try again.',
  back: 'Back',
  disclosuresTitle: 'Where did my data go?',
};

export const TEXTS: Record<Lang, Texts> = { nl, en };

function waitText(seconds: number, lang: Lang): string {
  if (seconds < 90) return lang === 'nl' ? `${seconds} seconden` : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return lang === 'nl' ? `${minutes} minuten` : `${minutes} minutes`;
}
