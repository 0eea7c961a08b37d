/**
 * The Assertion Consumer Service as a list of steps, each refusing with a
 * stable code: guard the XML, check its shape, let node-saml verify the
 * signature (decrypting when needed) and the conditions, check the verified
 * assertion, refuse a replayed assertion, consume the request it answers.
 */
import { createHash } from 'node:crypto';
import type { SamlConfig } from '../../config/upstream.js';
import { LeerIdError, type ErrorCode } from '../../errors/index.js';
import type { UpstreamStateStore } from '../../store/upstream-state.js';
import type { UpstreamIdentity } from '../connector.js';
import { checkAssertion, type CheckedAssertion } from './assertion-checks.js';
import type { IdpMetadataSource } from './idp-metadata.js';
import { classifySamlError, createSaml, type SpEndpoints } from './node-saml.js';
import { checkResponseShape } from './response-shape.js';
import type { SpKeys } from './sp-keys.js';
import { decodeSamlPost } from './xml-guard.js';

export const CONNECTOR_ID = 'saml';

export interface AcsDeps {
  config: SamlConfig;
  endpoints: SpEndpoints;
  keys: SpKeys;
  idp: IdpMetadataSource;
  state: UpstreamStateStore;
  now: () => number;
}

export interface AcsResult {
  interactionUid: string;
  identity: UpstreamIdentity;
}

export const requestKey = (requestId: string) => `saml:request:${requestId}`;

export async function consumeSamlResponse(samlResponse: string | null | undefined, deps: AcsDeps) {
  const xml = decodeSamlPost(samlResponse);
  const shape = checkResponseShape(xml, deps.endpoints.acsUrl);
  const idp = await deps.idp.current();

  const verifiedXml = await createSaml(deps.config, deps.endpoints, deps.keys, idp)
    .validatePostResponseAsync({ SAMLResponse: samlResponse as string })
    .then(({ profile }) => profile?.getAssertionXml?.())
    .catch((error: unknown) => {
      throw classifySamlError(error);
    });
  if (!verifiedXml) throw refuse('upstream.xml_malformed', 'no assertion in the response');

  const assertion = checkAssertion(verifiedXml, {
    idpEntityId: idp.entityId,
    acsUrl: deps.endpoints.acsUrl,
    now: deps.now(),
    clockSkewMs: deps.config.clockSkewSeconds * 1000,
  });
  if (shape.inResponseTo !== undefined && shape.inResponseTo !== assertion.inResponseTo) {
    throw refuse('upstream.in_response_to', 'Response and assertion answer different requests');
  }

  await rememberAssertion(assertion, deps);
  const pending = await deps.state.take(requestKey(assertion.inResponseTo));
  if (!pending) {
    throw refuse('upstream.in_response_to', `no open request ${assertion.inResponseTo}`);
  }

  const { interactionUid } = JSON.parse(pending) as { interactionUid: string };
  return { interactionUid, identity: toIdentity(assertion) } satisfies AcsResult;
}

/** An assertion id is accepted once, for as long as the assertion could be used. */
async function rememberAssertion(assertion: CheckedAssertion, deps: AcsDeps) {
  const key = createHash('sha256').update(`${assertion.issuer}\n${assertion.id}`).digest('hex');
  const ttlSeconds = Math.max(60, Math.ceil((assertion.usableUntil - deps.now()) / 1000));
  if (!(await deps.state.remember(`saml:assertion:${key}`, ttlSeconds))) {
    throw refuse('upstream.replayed', `assertion ${assertion.id} seen before`);
  }
}

function toIdentity(assertion: CheckedAssertion): UpstreamIdentity {
  const handle: Record<string, string> = { nameId: assertion.nameId };
  if (assertion.nameIdFormat) handle.nameIdFormat = assertion.nameIdFormat;
  if (assertion.nameQualifier) handle.nameQualifier = assertion.nameQualifier;
  if (assertion.spNameQualifier) handle.spNameQualifier = assertion.spNameQualifier;
  if (assertion.sessionIndex) handle.sessionIndex = assertion.sessionIndex;

  return {
    connectorId: CONNECTOR_ID,
    subject: assertion.nameId,
    attributes: assertion.attributes,
    logoutHandle: handle,
  };
}

function refuse(code: ErrorCode, detail: string) {
  return new LeerIdError(code, 'Het antwoord van ACM is geweigerd.', { detail });
}
