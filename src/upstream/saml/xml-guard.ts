/**
 * The first step for every SAML message and metadata document, before any
 * parser sees it: UTF-8 only, no DOCTYPE, no entity or other markup
 * declaration, no processing instruction beyond the XML declaration. This
 * shuts out entity expansion (billion laughs), external entities (XXE) and
 * parser differentials whatever the XML libraries underneath do.
 */
import { LeerIdError } from '../../errors/index.js';

const MAX_BYTES = 512 * 1024;
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;
const XML_DECLARATION = /^<\?xml\s[^?]*\?>/;
const DECLARED_ENCODING = /encoding\s*=\s*["']([^"']+)["']/i;
/** `<!` that opens neither a comment nor a CDATA section: DOCTYPE, ENTITY, ELEMENT, … */
const MARKUP_DECLARATION = /<!(?!--|\[CDATA\[)/;

/** Decodes a base64 SAML message (HTTP-POST binding) into checked XML text. */
export function decodeSamlPost(value: string | undefined | null): string {
  if (!value || value.length > (MAX_BYTES * 4) / 3 + 4 || !BASE64.test(value)) {
    throw new LeerIdError('upstream.xml_malformed', 'Het antwoord van ACM is onleesbaar.', {
      detail: 'missing, oversized or non-base64 SAML message',
    });
  }
  return checkedXml(Buffer.from(value, 'base64'));
}

/** Checks raw XML bytes (metadata, decoded messages); returns the text. */
export function checkedXml(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_BYTES) throw malformed('XML document too large');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw malformed('XML is not valid UTF-8');
  }

  assertSafeXml(text);
  return text;
}

/** Throws unless `xml` is free of declarations and processing instructions. */
export function assertSafeXml(xml: string): void {
  const body = xml.trimStart().replace(XML_DECLARATION, '');
  const declaration = xml.trimStart().match(XML_DECLARATION)?.[0];
  const encoding = declaration?.match(DECLARED_ENCODING)?.[1]?.toLowerCase();

  if (encoding && encoding !== 'utf-8' && encoding !== 'utf8') {
    throw malformed(`XML declares encoding ${encoding}`);
  }
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body) || MARKUP_DECLARATION.test(body)) {
    throw forbidden('DOCTYPE or markup declaration');
  }
  if (body.includes('<?')) throw forbidden('processing instruction');
}

function forbidden(detail: string) {
  return new LeerIdError('upstream.xml_forbidden', 'Het antwoord van ACM is geweigerd.', {
    detail,
  });
}

function malformed(detail: string) {
  return new LeerIdError('upstream.xml_malformed', 'Het antwoord van ACM is onleesbaar.', {
    detail,
  });
}
