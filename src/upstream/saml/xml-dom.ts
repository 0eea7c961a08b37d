/**
 * Strict DOM parsing for SAML documents that passed the XML guard: any
 * parser error or warning refuses the document. Plus the namespaces and the
 * few element look-ups the SAML checks share.
 */
import { DOMParser } from '@xmldom/xmldom';
import { LeerIdError } from '../../errors/index.js';
import { assertSafeXml } from './xml-guard.js';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export function parseXml(xml: string): Document {
  assertSafeXml(xml);
  const problems: string[] = [];
  const report = (message: unknown) => {
    problems.push(String(message));
  };
  const parser = new DOMParser({
    locator: {},
    errorHandler: { warning: report, error: report, fatalError: report },
  });

  let doc: Document | undefined;
  try {
    doc = parser.parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (!doc?.documentElement || problems.length > 0) {
    throw new LeerIdError('upstream.xml_malformed', 'Het antwoord van ACM is onleesbaar.', {
      detail: problems[0] ?? 'no document element',
    });
  }
  return doc;
}

/** Child elements of `parent` with this namespace and local name. */
export function children(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    const element = node as Element;
    if (node.nodeType === 1 && element.namespaceURI === ns && element.localName === localName) {
      found.push(element);
    }
  }
  return found;
}

/** The one child with this name, or undefined (also when there are several). */
export function onlyChild(parent: Element, ns: string, localName: string): Element | undefined {
  const found = children(parent, ns, localName);
  return found.length === 1 ? found[0] : undefined;
}

/** All elements below `root` (at any depth) with this namespace and local name. */
export function descendants(root: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName) as ArrayLike<Element>);
}

export function textOf(element: Element | undefined): string {
  return (element?.textContent ?? '').trim();
}
