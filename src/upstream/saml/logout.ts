/**
 * Single logout towards the IdP (SP-initiated, HTTP-Redirect out, the
 * answer back by HTTP-POST as our metadata announces): a signed
 * LogoutRequest for the NameID and SessionIndex of the login, and a check
 * that the signed LogoutResponse answers that request.
 */
import { randomBytes } from 'node:crypto';
import type { Profile } from '@node-saml/node-saml';
import { LeerIdError } from '../../errors/index.js';
import type { AcsDeps } from './acs.js';
import { classifySamlError, createSaml } from './node-saml.js';
import { decodeSamlPost } from './xml-guard.js';
import { NS, onlyChild, parseXml, textOf } from './xml-dom.js';

const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

const logoutKey = (requestId: string) => `saml:logout:${requestId}`;

/** A fresh xs:ID for a request: must not start with a digit. */
export function newRequestId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

export async function samlLogoutUrl(
  handle: Readonly<Record<string, string>>,
  logoutState: string,
  deps: AcsDeps,
): Promise<string | undefined> {
  const idp = await deps.idp.current();
  if (!deps.config.singleLogout || !idp.sloUrl || !handle.nameId) return undefined;

  const requestId = newRequestId();
  await deps.state.put(logoutKey(requestId), logoutState, deps.config.requestTtlSeconds);
  const user: Profile = {
    issuer: idp.entityId,
    nameID: handle.nameId,
    nameIDFormat: handle.nameIdFormat ?? UNSPECIFIED,
    ...(handle.nameQualifier ? { nameQualifier: handle.nameQualifier } : {}),
    ...(handle.spNameQualifier ? { spNameQualifier: handle.spNameQualifier } : {}),
    ...(handle.sessionIndex ? { sessionIndex: handle.sessionIndex } : {}),
  };
  const saml = createSaml(deps.config, deps.endpoints, deps.keys, idp, requestId);
  return saml.getLogoutUrlAsync(user, logoutState, {});
}

/** Checks a LogoutResponse; returns the logout state of the request it answers. */
export async function consumeLogoutResponse(
  samlResponse: string | null | undefined,
  deps: AcsDeps,
) {
  const xml = decodeSamlPost(samlResponse);
  const root = parseXml(xml).documentElement;
  if (root.namespaceURI !== NS.protocol || root.localName !== 'LogoutResponse') {
    throw refuse(`root element is ${root.localName}`);
  }

  const idp = await deps.idp.current();
  const result = await createSaml(deps.config, deps.endpoints, deps.keys, idp)
    .validatePostResponseAsync({ SAMLResponse: samlResponse as string })
    .catch((error: unknown) => {
      throw refuse(classifySamlError(error).detail ?? 'invalid LogoutResponse');
    });
  if (!result.loggedOut) throw refuse('not a LogoutResponse');

  // The whole message is signed (node-saml demands it for a LogoutResponse).
  const issuer = textOf(onlyChild(root, NS.assertion, 'Issuer'));
  const destination = root.getAttribute('Destination');
  if (issuer !== idp.entityId) throw refuse(`Issuer ${issuer}`);
  if (destination && destination !== deps.endpoints.sloUrl)
    throw refuse(`Destination ${destination}`);

  const status = root.getElementsByTagNameNS(NS.protocol, 'StatusCode')[0]?.getAttribute('Value');
  const state = await deps.state.take(logoutKey(root.getAttribute('InResponseTo') ?? ''));
  if (state === undefined) throw refuse('answers no open logout request');
  if (status !== SUCCESS) throw refuse(`status ${status}`);
  return state;
}

function refuse(detail: string) {
  return new LeerIdError('upstream.logout', 'Afmelden bij ACM is niet bevestigd.', { detail });
}
