/**
 * The ACS against hand-made responses: what a valid ACM answer looks like
 * (signed assertion, rollover key, signed response, encrypted assertion),
 * and every forgery or breakage refused with a logged reason, no session and
 * no token. The IdP is a double that only records the AuthnRequests.
 */
import { createVerify } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { storedUpstreamState } from '../../helpers/upstream-state.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { relyingParty, REDIRECT_URI } from '../../helpers/relying-party.js';
import {
  assertionIdOf,
  buildAssertion,
  buildResponse,
  encryptAssertion,
  newId,
  signElement,
  signOther,
  startIdpDouble,
  type AssertionSpec,
  type IdpDouble,
} from '../../helpers/saml-responses.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { testKeyPair } from '../../helpers/test-certs.js';
import type { Page } from '../../helpers/user-agent.js';
import { CLIENTS, PUPILS, secretOf } from './upstream.config.js';

const IDP = 'https://acm.leerid.test/idp';

describe('SAML assertion consumer service', function () {
  const idpKeys = testKeyPair('acm-idp');
  const rolloverKeys = testKeyPair('acm-idp-next');
  const spKeys = testKeyPair('leerid-sp');
  const strangerKeys = testKeyPair('stranger');

  let db: Db;
  let server: TestServer;
  let idp: IdpDouble;
  let log: CapturedLog;
  let pupilId: string;
  let otherPupilId: string;

  before(async function () {
    db = await freshDb();
    pupilId = await insertPupil(db, PUPILS.byUuid);
    otherPupilId = await insertPupil(db, PUPILS.byInsz);
    idp = await startIdpDouble();

    const metadataFile = join(mkdtempSync(join(tmpdir(), 'leerid-idp-md-')), 'acm.xml');
    writeFileSync(
      metadataFile,
      idpMetadata(idp.url, [rolloverKeys.certBase64, idpKeys.certBase64]),
    );
    log = captureLog();
    server = await startServer({
      db,
      clients: CLIENTS,
      logger: log.logger,
      config: {
        upstream: {
          saml: {
            idpMetadataFile: metadataFile,
            spKeyFile: spKeys.keyFile,
            spCertFile: spKeys.certFile,
            clockSkewSeconds: 5,
          },
        },
      },
    });
  });

  after(async function () {
    await server?.close();
    await idp?.close();
    await db?.destroy();
  });

  async function countSessions() {
    return (await storedUpstreamState(server, db, 'session')).length;
  }

  const acsUrl = () => `${server.issuer}/upstream/saml/acs`;
  const entityId = () => `${server.issuer}/upstream/saml/metadata`;

  /** Authorize at LeerID, press "Aanmelden via ACM": the AuthnRequest reaches the double. */
  async function beginLogin() {
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const { page, finish } = await rp.authorize('openid profile leerid');
    expect(page.html).to.contain('Aanmelden via ACM');
    const uid = /action="\/upstream\/saml\/start\/([^"]+)"/.exec(page.html)?.[1] as string;
    const sessionsBefore = await countSessions();

    const atIdp = await rp.browser.submit(page, '/upstream/saml/start', {});
    expect(atIdp.url.startsWith(`${idp.url}/sso`)).to.equal(true);
    return { rp, finish, uid, sessionsBefore, requestId: idp.lastRequestId() };
  }

  function assertion(requestId: string, overrides: Partial<AssertionSpec> = {}) {
    return buildAssertion({
      issuer: IDP,
      audience: entityId(),
      recipient: acsUrl(),
      inResponseTo: requestId,
      attributes: { leerid_uuid: [pupilId] },
      ...overrides,
    });
  }

  /** An unsigned assertion naming another pupil: what a wrapping attack smuggles in. */
  function forged(requestId: string) {
    return assertion(requestId, { attributes: { leerid_uuid: [otherPupilId] } });
  }

  function signed(xml: string, keys = idpKeys) {
    return signElement(xml, assertionIdOf(xml), keys);
  }

  function response(requestId: string, inner: string, destination: string | undefined = acsUrl()) {
    return buildResponse({ issuer: IDP, destination, inResponseTo: requestId }, inner);
  }

  function postToAcs(login: Awaited<ReturnType<typeof beginLogin>>, body: string | Buffer) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return login.rp.browser.open(acsUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: bytes.toString('base64') }).toString(),
    });
  }

  async function expectLoggedIn(login: Awaited<ReturnType<typeof beginLogin>>, landing: Page) {
    expect(landing.url.startsWith(REDIRECT_URI), landing.html).to.equal(true);
    const tokens = await login.finish(landing);
    expect(tokens.claims()?.sub).to.equal(pupilId);
  }

  async function expectRefused(
    login: Awaited<ReturnType<typeof beginLogin>>,
    landing: Page,
    reason: string,
  ) {
    expect(landing.status, landing.html).to.equal(400);
    expect(landing.url.startsWith(REDIRECT_URI)).to.equal(false);
    expect(landing.html).to.contain(reason);

    const logged = log.withReason(reason).filter((line) => line.msg === 'upstream login refused');
    expect(logged, `a log line with reason ${reason}`).to.have.length.greaterThan(0);

    const parked = await storedUpstreamState(server, db, 'outcome');
    expect(parked).to.deep.equal([]);
    expect(await countSessions()).to.equal(login.sessionsBefore);

    // Nothing lets the browser finish the login: no outcome, no code, no token.
    const finishing = await login.rp.browser.open(`${server.issuer}/upstream/finish/${login.uid}`);
    expect(finishing.url.startsWith(REDIRECT_URI)).to.equal(false);
    expect(finishing.html).to.contain('upstream.state');
  }

  describe('accepts', function () {
    it('a signed assertion, after a signed AuthnRequest over HTTP-Redirect', async function () {
      const login = await beginLogin();
      const sent = idp.requests.at(-1) as URL;
      expect(sent.searchParams.get('SigAlg')).to.equal(
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      );
      expect(redirectSignatureValid(sent, spKeys.cert)).to.equal(true);

      const landing = await postToAcs(
        login,
        response(login.requestId, signed(assertion(login.requestId))),
      );
      await expectLoggedIn(login, landing);
    });

    it('an assertion signed with the second certificate (rollover)', async function () {
      const login = await beginLogin();
      const xml = response(login.requestId, signed(assertion(login.requestId), rolloverKeys));
      await expectLoggedIn(login, await postToAcs(login, xml));
    });

    it('an unsigned assertion inside a signed response', async function () {
      const login = await beginLogin();
      const id = newId();
      const xml = buildResponse(
        { issuer: IDP, destination: acsUrl(), inResponseTo: login.requestId, responseId: id },
        assertion(login.requestId),
      );
      await expectLoggedIn(login, await postToAcs(login, signElement(xml, id, idpKeys)));
    });

    it('an encrypted, signed assertion, decrypted with the SP key', async function () {
      const login = await beginLogin();
      const encrypted = await encryptAssertion(signed(assertion(login.requestId)), spKeys);
      await expectLoggedIn(login, await postToAcs(login, response(login.requestId, encrypted)));
    });
  });

  describe('refuses', function () {
    const cases: [string, string, (requestId: string) => string | Promise<string>][] = [
      ['an unsigned response and assertion', 'upstream.unsigned', (r) => response(r, assertion(r))],
      [
        'a second, unsigned assertion beside the signed one',
        'upstream.wrapping',
        (r) => response(r, signed(assertion(r)) + forged(r)),
      ],
      [
        'an unsigned assertion hidden in Extensions',
        'upstream.wrapping',
        (r) =>
          response(r, `<samlp:Extensions>${forged(r)}</samlp:Extensions>${signed(assertion(r))}`),
      ],
      [
        'an unsigned assertion inside the signature of the signed one',
        'upstream.wrapping',
        (r) => {
          const evil = forged(r);
          const good = signed(assertion(r)).replace(
            '</ds:Signature>',
            `<ds:Object>${evil}</ds:Object></ds:Signature>`,
          );
          return response(r, good);
        },
      ],
      [
        'the signed assertion moved aside and a forged one with its ID',
        'upstream.wrapping',
        (r) => {
          const good = signed(assertion(r));
          const evil = assertion(r, {
            assertionId: assertionIdOf(good),
            attributes: { leerid_uuid: [otherPupilId] },
          });
          return response(r, `<samlp:Extensions>${good}</samlp:Extensions>${evil}`);
        },
      ],
      [
        'a response signature that covers the assertion instead of the response',
        'upstream.signature_invalid',
        (r) => {
          const inner = assertion(r);
          const id = newId();
          const xml = buildResponse(
            { issuer: IDP, destination: acsUrl(), inResponseTo: r, responseId: id },
            inner,
          );
          return signOther(xml, id, assertionIdOf(inner), idpKeys);
        },
      ],
      [
        'a signature by a key the metadata does not list',
        'upstream.signature_invalid',
        (r) => response(r, signed(assertion(r), strangerKeys)),
      ],
      [
        'a tampered attribute value',
        'upstream.signature_invalid',
        (r) => response(r, signed(assertion(r)).replace(pupilId, otherPupilId)),
      ],
      [
        'another audience',
        'upstream.audience',
        (r) => response(r, signed(assertion(r, { audience: 'https://other-sp.example/metadata' }))),
      ],
      [
        'another destination',
        'upstream.destination',
        (r) => response(r, signed(assertion(r)), 'https://evil.example/acs'),
      ],
      [
        'another recipient in the bearer confirmation',
        'upstream.recipient',
        (r) => response(r, signed(assertion(r, { recipient: 'https://evil.example/acs' }))),
      ],
      [
        'another issuer',
        'upstream.issuer',
        (r) => response(r, signed(assertion(r, { issuer: 'https://evil.example/idp' }))),
      ],
      [
        'an expired assertion',
        'upstream.expired',
        (r) => response(r, signed(assertion(r, { notBefore: -900, notOnOrAfter: -60 }))),
      ],
      [
        'an assertion not yet valid',
        'upstream.not_yet_valid',
        (r) => response(r, signed(assertion(r, { notBefore: 120, notOnOrAfter: 600 }))),
      ],
      [
        'an answer to a request LeerID never sent',
        'upstream.in_response_to',
        () => {
          const unknown = newId();
          return response(unknown, signed(assertion(unknown)));
        },
      ],
      [
        'a DOCTYPE with an internal entity',
        'upstream.xml_forbidden',
        (r) =>
          '<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ENTITY who "x">]>' +
          response(r, signed(assertion(r))),
      ],
      [
        'an external entity (XXE)',
        'upstream.xml_forbidden',
        (r) =>
          '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
          response(r, signed(assertion(r))),
      ],
      [
        'a processing instruction',
        'upstream.xml_forbidden',
        (r) =>
          `<?xml-stylesheet href="http://evil.example/x.xsl"?>${response(r, signed(assertion(r)))}`,
      ],
    ];

    for (const [title, reason, build] of cases) {
      it(`${title} (${reason})`, async function () {
        const login = await beginLogin();
        await expectRefused(login, await postToAcs(login, await build(login.requestId)), reason);
      });
    }

    it('a DOCTYPE hidden in UTF-16 (upstream.xml_malformed)', async function () {
      const login = await beginLogin();
      const signedResponse = response(login.requestId, signed(assertion(login.requestId)));
      const xml = `<!DOCTYPE r [<!ENTITY a "b">]>${signedResponse}`;
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
      await expectRefused(login, await postToAcs(login, utf16), 'upstream.xml_malformed');
    });

    it('a replayed assertion id, even for a new request (upstream.replayed)', async function () {
      const first = await beginLogin();
      const original = assertion(first.requestId);
      await expectLoggedIn(
        first,
        await postToAcs(first, response(first.requestId, signed(original))),
      );

      const second = await beginLogin();
      const replay = assertion(second.requestId, { assertionId: assertionIdOf(original) });
      const landing = await postToAcs(second, response(second.requestId, signed(replay)));
      await expectRefused(second, landing, 'upstream.replayed');
    });

    it('a second answer to an answered request (upstream.in_response_to)', async function () {
      const login = await beginLogin();
      await expectLoggedIn(
        login,
        await postToAcs(login, response(login.requestId, signed(assertion(login.requestId)))),
      );

      const again = await beginLogin();
      const reused = response(login.requestId, signed(assertion(login.requestId)));
      await expectRefused(again, await postToAcs(again, reused), 'upstream.in_response_to');
    });
  });

  it('publishes SP metadata at a stable URL with signing and encryption keys', async function () {
    const first = await (await fetch(entityId())).text();
    const second = await (await fetch(entityId())).text();
    expect(first).to.equal(second);
    expect(first).to.contain(`entityID="${entityId()}"`);
    expect(first).to.contain(`Location="${acsUrl()}"`);
    expect(first).to.contain(`Location="${server.issuer}/upstream/saml/slo"`);
    expect(first).to.contain('use="signing"');
    expect(first).to.contain('use="encryption"');
    expect(first).to.contain(spKeys.certBase64.slice(0, 60));
  });
});

function idpMetadata(base: string, certs: string[]): string {
  const keys = certs
    .map(
      (cert) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}` +
        '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>',
    )
    .join('');
  const redirect = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"',
    ` xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${IDP}">`,
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
    keys,
    `<md:SingleLogoutService Binding="${redirect}" Location="${base}/slo"/>`,
    `<md:SingleSignOnService Binding="${redirect}" Location="${base}/sso"/>`,
    '</md:IDPSSODescriptor></md:EntityDescriptor>',
  ].join('');
}

/** HTTP-Redirect binding: the signature covers the raw query up to SigAlg. */
function redirectSignatureValid(url: URL, cert: string): boolean {
  const raw = url.search.slice(1).split('&');
  const part = (name: string) => raw.find((pair) => pair.startsWith(`${name}=`));
  const signedPart = ['SAMLRequest', 'RelayState', 'SigAlg'].map(part).filter(Boolean).join('&');
  const signature = url.searchParams.get('Signature') as string;
  return createVerify('RSA-SHA256').update(signedPart).verify(cert, signature, 'base64');
}
