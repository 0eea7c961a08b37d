/**
 * The e-mails LeerID sends, in Dutch and in English. Plain text: links stay
 * readable in every mail program and nothing is loaded from elsewhere.
 */
export type Lang = 'nl' | 'en';

export interface MessageText {
  subject: string;
  text: string;
}

export function handoverMessage(
  lang: Lang,
  data: { givenName: string; username: string; link: string; days: number },
): MessageText {
  if (lang === 'en') {
    return {
      subject: 'Take over your LeerID account',
      text: [
        `Hello ${data.givenName},`,
        '',
        `Your school lets you manage your own LeerID account (username ${data.username}).`,
        'Open the link below and choose a password. From then on only you know it;',
        'your school can no longer see it.',
        '',
        data.link,
        '',
        `The link works once and for ${data.days} days.`,
        'Did you not expect this e-mail? Then ignore it.',
      ].join('\n'),
    };
  }
  return {
    subject: 'Neem je LeerID-account over',
    text: [
      `Dag ${data.givenName},`,
      '',
      'Je school laat je voortaan zelf je LeerID-account beheren',
      `(gebruikersnaam ${data.username}).`,
      'Open de link hieronder en kies een wachtwoord. Vanaf dan ken alleen jij het;',
      'je school kan het niet meer zien.',
      '',
      data.link,
      '',
      `De link werkt één keer en ${data.days} dagen lang.`,
      'Verwachtte je deze e-mail niet? Dan mag je hem negeren.',
    ].join('\n'),
  };
}

export function resetMessage(
  lang: Lang,
  data: { username: string; link: string; minutes: number },
): MessageText {
  if (lang === 'en') {
    return {
      subject: 'Choose a new LeerID password',
      text: [
        `Someone asked to reset the password of LeerID account ${data.username}.`,
        'Was that you? Open the link below and choose a new password.',
        '',
        data.link,
        '',
        `The link works once and for ${data.minutes} minutes.`,
        'Not you? Then ignore this e-mail: your password stays the same.',
      ].join('\n'),
    };
  }
  return {
    subject: 'Kies een nieuw LeerID-wachtwoord',
    text: [
      `Iemand vroeg om het wachtwoord van LeerID-account ${data.username} opnieuw in te stellen.`,
      'Was jij dat? Open de link hieronder en kies een nieuw wachtwoord.',
      '',
      data.link,
      '',
      `De link werkt één keer en ${data.minutes} minuten lang.`,
      'Was jij het niet? Negeer dan deze e-mail: je wachtwoord blijft hetzelfde.',
    ].join('\n'),
  };
}

export function confirmEmailMessage(
  lang: Lang,
  data: { username: string; link: string; hours: number },
): MessageText {
  if (lang === 'en') {
    return {
      subject: 'Confirm your recovery e-mail address for LeerID',
      text: [
        `LeerID account ${data.username} wants to use this address to reset its password.`,
        'Confirm with the link below.',
        '',
        data.link,
        '',
        `The link works once and for ${data.hours} hours. Not you? Then ignore this e-mail.`,
      ].join('\n'),
    };
  }
  return {
    subject: 'Bevestig je herstel-e-mailadres voor LeerID',
    text: [
      `LeerID-account ${data.username} wil dit adres gebruiken om het wachtwoord te herstellen.`,
      'Bevestig met de link hieronder.',
      '',
      data.link,
      '',
      `De link werkt één keer en ${data.hours} uur lang. Was jij het niet? Negeer dan deze e-mail.`,
    ].join('\n'),
  };
}
