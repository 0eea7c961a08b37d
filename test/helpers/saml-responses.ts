/**
 * Hand-made SAML responses for refusal tests, signed with a test IdP key by
 * xml-crypto (and encrypted with xml-encryption), plus a stand-in for the
 * IdP's SSO endpoint that records the AuthnRequests LeerID sends.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { encrypt } from 'xml-encryption';
import type { TestKeyPair } from './test-certs.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface AssertionSpec {
  issuer: string;
  audience: string;
  recipient: string;
  inResponseTo: string;
  nameId?: string;
  assertionId?: string;
  attributes?: Record<string, string[]>;
  /** Offsets from now in seconds for the validity window. */
  notBefore?: number;
  notOnOrAfter?: number;
}

export interface ResponseSpec {
  destination?: string | undefined;
  inResponseTo?: string | undefined;
  responseId?: string;
  issuer: string;
}

export const newId = () => `_${randomBytes(16).toString('hex')}`;
const at = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();

export function buildAssertion(spec: AssertionSpec): string {
  const id = spec.assertionId ?? newId();
  const attributes = Object.entries(spec.attributes ?? {})
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${name}">${values
          .map((value) => `<saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
  const notBefore = at(spec.notBefore ?? -30);
  const notOnOrAfter = at(spec.notOnOrAfter ?? 300);

  return [
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}"`,
    ` Version="2.0" IssueInstant="${at(0)}">`,
    `<saml:Issuer>${spec.issuer}</saml:Issuer>`,
    '<saml:Subject>',
    '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">',
    `${spec.nameId ?? newId()}</saml:NameID>`,
    '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">',
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}"`,
    ` Recipient="${spec.recipient}" InResponseTo="${spec.inResponseTo}"/>`,
    '</saml:SubjectConfirmation></saml:Subject>',
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">`,
    `<saml:AudienceRestriction><saml:Audience>${spec.audience}</saml:Audience>`,
    '</saml:AudienceRestriction></saml:Conditions>',
    `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${newId()}">`,
    '<saml:AuthnContext><saml:AuthnContextClassRef>',
    'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    '</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>',
    attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '',
    '</saml:Assertion>',
  ].join('');
}

/** A Response around `inner` (assertions, extensions: anything). */
export function buildResponse(spec: ResponseSpec, inner: string): string {
  const destination = spec.destination ? ` Destination="${spec.destination}"` : '';
  const inResponseTo = spec.inResponseTo ? ` InResponseTo="${spec.inResponseTo}"` : '';
  return [
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"',
    ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"',
    ` ID="${spec.responseId ?? newId()}" Version="2.0" IssueInstant="${at(0)}"`,
    `${destination}${inResponseTo}>`,
    `<saml:Issuer>${spec.issuer}</saml:Issuer>`,
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>',
    '</samlp:Status>',
    inner,
    '</samlp:Response>',
  ].join('');
}

/** Signs the element with ID `id` in `xml`, the signature placed after its Issuer. */
export function signElement(xml: string, id: string, keys: TestKeyPair): string {
  const signer = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({
    xpath: `//*[@ID='${id}']`,
    digestAlgorithm: SHA256,
    transforms: [ENVELOPED, EXC_C14N],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/** Signs, with `keys`, a signature placed in element `placeIn` but covering element `covers`. */
export function signOther(xml: string, placeIn: string, covers: string, keys: TestKeyPair) {
  const signer = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({
    xpath: `//*[@ID='${covers}']`,
    digestAlgorithm: SHA256,
    transforms: [EXC_C14N],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[@ID='${placeIn}']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/** Encrypts a (signed) assertion for the SP's certificate. */
export async function encryptAssertion(assertionXml: string, sp: TestKeyPair): Promise<string> {
  const encrypted = await new Promise<string>((resolve, reject) => {
    encrypt(
      assertionXml,
      {
        rsa_pub: sp.cert,
        pem: sp.cert,
        encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
        disallowEncryptionWithInsecureAlgorithm: true,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  return `<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>`;
}

export const assertionIdOf = (xml: string) =>
  /<saml:Assertion[^>]* ID="([^"]+)"/.exec(xml)?.[1] as string;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Stand-in for the IdP's SSO and SLO endpoints: records what arrives, answers 200. */
export interface IdpDouble {
  url: string;
  requests: URL[];
  /** The ID of the last AuthnRequest received. */
  lastRequestId(): string;
  close(): Promise<void>;
}

export async function startIdpDouble(): Promise<IdpDouble> {
  const requests: URL[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://idp.double'));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ACM (test double)</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lastRequestId() {
      const last = requests.at(-1);
      const message = last?.searchParams.get('SAMLRequest');
      if (!message) throw new Error('no SAMLRequest received');
      const xml = inflateRawSync(Buffer.from(message, 'base64')).toString('utf8');
      return /\sID="([^"]+)"/.exec(xml)?.[1] as string;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
