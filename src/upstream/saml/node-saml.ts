/**
 * The one door to @node-saml/node-saml: builds its SAML object for the
 * current IdP metadata, and turns its free-text errors into LeerID's stable
 * codes. Everything node-saml does not check is checked by our own steps
 * (response-shape.ts, assertion-checks.ts).
 */
import { SAML, SamlStatusError, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import type { SamlConfig as UpstreamSamlConfig } from '../../config/upstream.js';
import { LeerIdError, type ErrorCode } from '../../errors/index.js';
import type { IdpMetadata } from './idp-metadata.js';
import type { SpKeys } from './sp-keys.js';

export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
}

export function createSaml(
  config: UpstreamSamlConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  idp: IdpMetadata,
  requestId?: string,
): SAML {
  const options: SamlConfig = {
    issuer: endpoints.entityId,
    audience: endpoints.entityId,
    callbackUrl: endpoints.acsUrl,
    logoutCallbackUrl: endpoints.sloUrl,
    entryPoint: idp.ssoUrl,
    logoutUrl: idp.sloUrl ?? idp.ssoUrl,
    idpCert: idp.signingCerts,
    privateKey: keys.signingKey,
    publicCert: keys.signingCert,
    decryptionPvk: keys.encryptionKey,
    signatureAlgorithm: config.signatureAlgorithm,
    digestAlgorithm: `http://www.w3.org/2001/04/xmlenc#${config.signatureAlgorithm}`,
    identifierFormat: config.nameIdFormat ?? null,
    disableRequestedAuthnContext: !config.authnContext,
    ...(config.authnContext ? { authnContext: config.authnContext } : {}),
    acceptedClockSkewMs: config.clockSkewSeconds * 1000,
    maxAssertionAgeMs: config.maxAssertionAgeSeconds * 1000,
    // One valid signature is required: the Response's when it covers the
    // assertion, else the assertion's own (node-saml enforces either).
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    // InResponseTo is checked by our own step against the signed
    // SubjectConfirmationData, and consumed atomically in our store.
    validateInResponseTo: ValidateInResponseTo.never,
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  };
  return new SAML(options);
}

const MESSAGE_CODES: [RegExp, ErrorCode][] = [
  [/multiple assertions|more than one element|Too many signatures/i, 'upstream.wrapping'],
  [/not yet valid/i, 'upstream.not_yet_valid'],
  [/expired|too old/i, 'upstream.expired'],
  [/audience/i, 'upstream.audience'],
  [/decrypt|EncryptedAssertion|Invalid key|Invalid RSA/i, 'upstream.decryption'],
  [/signature|Referenced node|transforms/i, 'upstream.signature_invalid'],
];

/** node-saml's error as a LeerIdError with a stable code; its message goes to `detail`. */
export function classifySamlError(error: unknown): LeerIdError {
  if (error instanceof LeerIdError) return error;

  const message = error instanceof Error ? error.message : String(error);
  const code: ErrorCode =
    error instanceof SamlStatusError
      ? 'upstream.status'
      : (MESSAGE_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? 'upstream.xml_malformed');
  return new LeerIdError(code, 'Het antwoord van ACM is geweigerd.', {
    detail: message,
    cause: error,
  });
}
