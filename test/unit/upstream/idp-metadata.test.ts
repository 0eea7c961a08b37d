/** IdP metadata: entity, rollover certificates, endpoints; guarded parsing; last good copy kept. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLogger } from '../../../src/http/logger.js';
import {
  createIdpMetadataSource,
  parseIdpMetadata,
} from '../../../src/upstream/saml/idp-metadata.js';
import { asyncCodeOf, codeOf } from '../../helpers/errors.js';

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

function metadata(certs: string[], entityId = 'https://acm.example/idp') {
  const keys = certs
    .map(
      (cert, index) =>
        `<md:KeyDescriptor${index === 0 ? '' : ' use="signing"'}><ds:KeyInfo><ds:X509Data>` +
        `<ds:X509Certificate>\n  ${cert}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
        '</md:KeyDescriptor>',
    )
    .join('');
  return (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"' +
    ` xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">` +
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    keys +
    '<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>ENC' +
    '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>' +
    `<md:SingleLogoutService Binding="${REDIRECT}" Location="https://acm.example/slo"/>` +
    `<md:SingleSignOnService Binding="${POST}" Location="https://acm.example/sso-post"/>` +
    `<md:SingleSignOnService Binding="${REDIRECT}" Location="https://acm.example/sso"/>` +
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
  );
}

describe('IdP metadata', function () {
  it('reads the entity id, every signing certificate and the redirect endpoints', function () {
    expect(parseIdpMetadata(metadata(['AAAA', 'BBBB']))).to.deep.equal({
      entityId: 'https://acm.example/idp',
      signingCerts: ['AAAA', 'BBBB'],
      ssoUrl: 'https://acm.example/sso',
      sloUrl: 'https://acm.example/slo',
    });
  });

  it('refuses metadata with a DOCTYPE before parsing it', function () {
    const xml = `<!DOCTYPE md [<!ENTITY e SYSTEM "file:///etc/passwd">]>${metadata(['AAAA'])}`;
    expect(codeOf(() => parseIdpMetadata(xml))).to.equal('upstream.xml_forbidden');
  });

  it('refuses metadata without a signing certificate', function () {
    expect(codeOf(() => parseIdpMetadata(metadata([])))).to.equal('upstream.metadata');
  });

  it('keeps the last good copy from a URL when a refresh fails', async function () {
    let answer: string | undefined = metadata(['AAAA']);
    const server = createServer((_req, res) => {
      if (answer) res.writeHead(200).end(answer);
      else res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/md`;

    let now = 0;
    const source = createIdpMetadataSource(
      { url, refreshSeconds: 60 },
      createLogger('silent'),
      () => now,
    );
    try {
      expect((await source.current()).signingCerts).to.deep.equal(['AAAA']);

      answer = metadata(['AAAA', 'CCCC']);
      now += 61_000;
      expect((await source.current()).signingCerts).to.deep.equal(['AAAA', 'CCCC']);

      answer = undefined;
      now += 61_000;
      expect((await source.current()).signingCerts).to.deep.equal(['AAAA', 'CCCC']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('fails with upstream.metadata when no copy could ever be read', async function () {
    const source = createIdpMetadataSource(
      { file: '/nonexistent/acm.xml', refreshSeconds: 60 },
      createLogger('silent'),
    );
    expect(await asyncCodeOf(source.current())).to.equal('upstream.metadata');
  });
});
