/**
 * Structural checks on a SAML Response before any signature is looked at.
 * Signature-wrapping attacks need a second assertion, a second Response or
 * a duplicated ID somewhere in the document; an answer from ACM never has
 * them, so any of them refuses the message outright.
 */
import { LeerIdError, type ErrorCode } from '../../errors/index.js';
import { children, descendants, NS, parseXml } from './xml-dom.js';

export interface ResponseShape {
  /** Response/@InResponseTo as sent (not yet covered by a verified signature). */
  inResponseTo: string | undefined;
  encrypted: boolean;
}

const ID_ATTRIBUTES = ['ID', 'Id', 'id'];

export function checkResponseShape(xml: string, acsUrl: string): ResponseShape {
  const doc = parseXml(xml);
  const root = doc.documentElement;

  if (root.namespaceURI !== NS.protocol || root.localName !== 'Response') {
    throw refuse('upstream.xml_malformed', `root element is ${root.localName}, not a Response`);
  }
  if (descendants(doc, NS.protocol, 'Response').length !== 1) {
    throw refuse('upstream.wrapping', 'more than one Response element');
  }

  const plain = descendants(doc, NS.assertion, 'Assertion');
  const encrypted = descendants(doc, NS.assertion, 'EncryptedAssertion');
  const all = [...plain, ...encrypted];
  if (all.length !== 1 || all[0]?.parentNode !== root) {
    throw refuse('upstream.wrapping', `${all.length} assertions, or one outside the Response`);
  }
  assertUniqueIds(doc);

  const responseSigned = children(root, NS.dsig, 'Signature').length > 0;
  const assertionSigned = plain[0] ? children(plain[0], NS.dsig, 'Signature').length > 0 : true;
  if (!responseSigned && !assertionSigned) {
    throw refuse('upstream.unsigned', 'neither the Response nor the Assertion has a Signature');
  }

  // SAML core 3.4.5.2: a signed message must name its destination, and a
  // named destination must be where it arrived.
  const destination = root.getAttribute('Destination') || undefined;
  if (destination !== undefined ? destination !== acsUrl : responseSigned) {
    throw refuse('upstream.destination', `Destination ${destination ?? '(none)'}`);
  }

  return {
    inResponseTo: root.getAttribute('InResponseTo') || undefined,
    encrypted: encrypted.length === 1,
  };
}

/** xml-crypto finds signed elements by ID, Id or id: each value must be unique. */
function assertUniqueIds(doc: Document) {
  const seen = new Set<string>();
  for (const element of Array.from(doc.getElementsByTagName('*') as ArrayLike<Element>)) {
    for (const name of ID_ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (!value) continue;
      if (seen.has(value)) throw refuse('upstream.wrapping', `duplicate ID ${value}`);
      seen.add(value);
    }
  }
}

function refuse(code: ErrorCode, detail: string) {
  return new LeerIdError(code, 'Het antwoord van ACM is geweigerd.', { detail });
}
