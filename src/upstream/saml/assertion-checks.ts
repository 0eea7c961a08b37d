/**
 * Checks on the assertion whose signature node-saml verified, read only from
 * the verified XML: the issuer is our IdP, a bearer confirmation names our
 * ACS and is still valid (SAML profiles 4.1.4.2), and it answers a request.
 * node-saml has already checked Conditions (time window, audience).
 */
import { LeerIdError, type ErrorCode } from '../../errors/index.js';
import { children, NS, onlyChild, parseXml, textOf } from './xml-dom.js';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface CheckedAssertion {
  id: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | undefined;
  nameQualifier: string | undefined;
  spNameQualifier: string | undefined;
  sessionIndex: string | undefined;
  /** From the signed SubjectConfirmationData. */
  inResponseTo: string;
  /** The latest instant the assertion may still be used (epoch ms). */
  usableUntil: number;
  attributes: Record<string, string[]>;
}

export interface AssertionExpectations {
  idpEntityId: string;
  acsUrl: string;
  now: number;
  clockSkewMs: number;
}

export function checkAssertion(xml: string, expect: AssertionExpectations): CheckedAssertion {
  const assertion = parseXml(xml).documentElement;
  const issuer = textOf(onlyChild(assertion, NS.assertion, 'Issuer'));
  if (issuer !== expect.idpEntityId) throw refuse('upstream.issuer', `Issuer ${issuer}`);

  const subject = onlyChild(assertion, NS.assertion, 'Subject');
  const nameId = subject ? onlyChild(subject, NS.assertion, 'NameID') : undefined;
  if (!subject || !nameId || !textOf(nameId)) {
    throw refuse('upstream.xml_malformed', 'no Subject/NameID');
  }

  const confirmation = bearerConfirmation(subject, expect);
  const authn = onlyChild(assertion, NS.assertion, 'AuthnStatement');
  if (!authn) throw refuse('upstream.xml_malformed', 'no single AuthnStatement');

  const conditions = onlyChild(assertion, NS.assertion, 'Conditions');
  const conditionsEnd = instant(conditions?.getAttribute('NotOnOrAfter'));
  return {
    id: assertion.getAttribute('ID') ?? '',
    issuer,
    nameId: textOf(nameId),
    nameIdFormat: attribute(nameId, 'Format'),
    nameQualifier: attribute(nameId, 'NameQualifier'),
    spNameQualifier: attribute(nameId, 'SPNameQualifier'),
    sessionIndex: attribute(authn, 'SessionIndex'),
    inResponseTo: confirmation.inResponseTo,
    usableUntil: Math.max(confirmation.notOnOrAfter, conditionsEnd ?? 0) + expect.clockSkewMs,
    attributes: readAttributes(assertion),
  };
}

function bearerConfirmation(subject: Element, expect: AssertionExpectations) {
  const data = children(subject, NS.assertion, 'SubjectConfirmation')
    .filter((confirmation) => confirmation.getAttribute('Method') === BEARER)
    .map((confirmation) => onlyChild(confirmation, NS.assertion, 'SubjectConfirmationData'))
    .filter((element): element is Element => element !== undefined);
  if (data.length !== 1) throw refuse('upstream.recipient', `${data.length} bearer confirmations`);

  const confirmation = data[0] as Element;
  const recipient = confirmation.getAttribute('Recipient');
  if (recipient !== expect.acsUrl) throw refuse('upstream.recipient', `Recipient ${recipient}`);

  const notOnOrAfter = instant(confirmation.getAttribute('NotOnOrAfter'));
  if (notOnOrAfter === undefined) throw refuse('upstream.expired', 'bearer without NotOnOrAfter');
  if (expect.now - expect.clockSkewMs >= notOnOrAfter) {
    throw refuse('upstream.expired', 'bearer confirmation expired');
  }
  const notBefore = instant(confirmation.getAttribute('NotBefore'));
  if (notBefore !== undefined && expect.now + expect.clockSkewMs < notBefore) {
    throw refuse('upstream.not_yet_valid', 'bearer confirmation not yet valid');
  }

  const inResponseTo = confirmation.getAttribute('InResponseTo');
  if (!inResponseTo) throw refuse('upstream.in_response_to', 'unsolicited response');
  return { inResponseTo, notOnOrAfter };
}

function readAttributes(assertion: Element): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const element of children(statement, NS.assertion, 'Attribute')) {
      const name = element.getAttribute('Name');
      if (!name) continue;
      const values = children(element, NS.assertion, 'AttributeValue').map((v) => textOf(v));
      attributes[name] = [...(attributes[name] ?? []), ...values];
    }
  }
  return attributes;
}

function instant(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function attribute(element: Element, name: string): string | undefined {
  return element.getAttribute(name) || undefined;
}

function refuse(code: ErrorCode, detail: string) {
  return new LeerIdError(code, 'Het antwoord van ACM is geweigerd.', { detail });
}
