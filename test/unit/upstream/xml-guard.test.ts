/** The XML guard in front of every SAML parser: declarations and odd encodings are refused. */
import { expect } from 'chai';
import { checkedXml, decodeSamlPost } from '../../../src/upstream/saml/xml-guard.js';
import { codeOf } from '../../helpers/errors.js';

const DOC = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('SAML XML guard', function () {
  it('passes a plain document, with an XML declaration, a BOM, comments and CDATA', function () {
    for (const text of [
      DOC,
      `<?xml version="1.0" encoding="UTF-8"?>\n${DOC}`,
      `\ufeff${DOC}`,
      `<!-- a comment -->${DOC.replace('/>', '><![CDATA[x]]></samlp:Response>')}`,
    ]) {
      expect(
        codeOf(() => checkedXml(utf8(text))),
        text,
      ).to.equal(undefined);
    }
  });

  for (const [title, text] of [
    ['a DOCTYPE', `<!DOCTYPE samlp:Response>${DOC}`],
    ['a lower-case doctype', `<!doctype r>${DOC}`],
    ['an internal entity', `<!DOCTYPE r [<!ENTITY a "b">]>${DOC}`],
    ['an external entity', `<!DOCTYPE r SYSTEM "http://evil.example/r.dtd">${DOC}`],
    ['a parameter entity', `<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>${DOC}`],
    ['an ELEMENT declaration', `<!ELEMENT r ANY>${DOC}`],
    ['a processing instruction', `<?xml-stylesheet href="x.xsl"?>${DOC}`],
    ['a processing instruction inside', DOC.replace('/>', '><?php echo 1; ?></samlp:Response>')],
  ]) {
    it(`refuses ${title} (upstream.xml_forbidden)`, function () {
      expect(codeOf(() => checkedXml(utf8(text as string)))).to.equal('upstream.xml_forbidden');
    });
  }

  it('refuses other encodings than UTF-8 (upstream.xml_malformed)', function () {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(DOC, 'utf16le')]);
    const declared = utf8(`<?xml version="1.0" encoding="ISO-8859-1"?>${DOC}`);
    expect(codeOf(() => checkedXml(utf16))).to.equal('upstream.xml_malformed');
    expect(codeOf(() => checkedXml(declared))).to.equal('upstream.xml_malformed');
  });

  it('refuses a missing, non-base64 or oversized message (upstream.xml_malformed)', function () {
    expect(codeOf(() => decodeSamlPost(undefined))).to.equal('upstream.xml_malformed');
    expect(codeOf(() => decodeSamlPost('<not base64>'))).to.equal('upstream.xml_malformed');
    const huge = Buffer.alloc(600 * 1024, 'a').toString('base64');
    expect(codeOf(() => decodeSamlPost(huge))).to.equal('upstream.xml_malformed');
  });

  it('decodes a base64 message', function () {
    expect(decodeSamlPost(utf8(DOC).toString('base64'))).to.equal(DOC);
  });
});
