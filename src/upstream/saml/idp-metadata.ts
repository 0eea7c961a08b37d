/**
 * The identity provider's SAML metadata, from a file or a URL: its entity
 * id, its signing certificates (several during a key rollover), and its
 * single sign-on and single logout endpoints for the HTTP-Redirect binding.
 * A URL is fetched again after the refresh interval; when that fails the
 * last good copy stays in use.
 */
import { readFile } from 'node:fs/promises';
import { LeerIdError } from '../../errors/index.js';
import type { Logger } from '../../http/logger.js';
import { checkedXml } from './xml-guard.js';
import { children, descendants, NS, onlyChild, parseXml, textOf } from './xml-dom.js';

export interface IdpMetadata {
  entityId: string;
  /** Base64 DER certificates whose keys may sign responses. */
  signingCerts: string[];
  ssoUrl: string;
  sloUrl: string | undefined;
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export function parseIdpMetadata(xml: string): IdpMetadata {
  const doc = parseXml(xml);
  const entities = descendants(doc, NS.metadata, 'EntityDescriptor').filter(
    (entity) => children(entity, NS.metadata, 'IDPSSODescriptor').length > 0,
  );
  if (entities.length !== 1) throw invalid(`${entities.length} identity providers in metadata`);

  const entity = entities[0] as Element;
  const idp = onlyChild(entity, NS.metadata, 'IDPSSODescriptor') as Element;
  const entityId = entity.getAttribute('entityID') ?? '';

  const signingCerts = children(idp, NS.metadata, 'KeyDescriptor')
    .filter((key) => (key.getAttribute('use') || 'signing') === 'signing')
    .flatMap((key) => descendants(key, NS.dsig, 'X509Certificate'))
    .map((cert) => textOf(cert).replace(/\s+/g, ''))
    .filter(Boolean);

  const ssoUrl = redirectLocation(idp, 'SingleSignOnService');
  if (!entityId || !ssoUrl || signingCerts.length === 0) {
    throw invalid('metadata lacks entityID, a signing certificate or an HTTP-Redirect SSO');
  }
  return { entityId, signingCerts, ssoUrl, sloUrl: redirectLocation(idp, 'SingleLogoutService') };
}

export interface IdpMetadataSource {
  current(): Promise<IdpMetadata>;
}

export function createIdpMetadataSource(
  options: { file?: string | undefined; url?: string | undefined; refreshSeconds: number },
  logger: Logger,
  now: () => number = Date.now,
): IdpMetadataSource {
  let cached: { metadata: IdpMetadata; loadedAt: number } | undefined;
  let loading: Promise<IdpMetadata> | undefined;

  async function load(): Promise<IdpMetadata> {
    const bytes = options.file
      ? await readFile(options.file)
      : await fetchMetadata(options.url as string);
    const metadata = parseIdpMetadata(checkedXml(bytes));
    cached = { metadata, loadedAt: now() };
    return metadata;
  }

  return {
    async current() {
      if (cached && now() - cached.loadedAt < options.refreshSeconds * 1000) {
        return cached.metadata;
      }
      loading ??= load().finally(() => {
        loading = undefined;
      });
      try {
        return await loading;
      } catch (error) {
        if (!cached) throw asMetadataError(error);
        // Keep the last good copy; try again at the next login.
        logger.warn({ err: error, reason: 'upstream.metadata' }, 'IdP metadata refresh failed');
        return cached.metadata;
      }
    },
  };
}

async function fetchMetadata(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
  if (!response.ok) throw invalid(`metadata URL answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function redirectLocation(idp: Element, service: string): string | undefined {
  const endpoint = children(idp, NS.metadata, service).find(
    (element) => element.getAttribute('Binding') === REDIRECT_BINDING,
  );
  return endpoint?.getAttribute('Location') || undefined;
}

function asMetadataError(error: unknown): LeerIdError {
  if (error instanceof LeerIdError && error.code === 'upstream.metadata') return error;
  const detail = error instanceof LeerIdError ? error.detail : undefined;
  return invalid(detail ?? (error as Error).message, error);
}

function invalid(detail: string, cause?: unknown) {
  return new LeerIdError('upstream.metadata', 'Aanmelden via ACM is nu niet mogelijk.', {
    status: 503,
    detail,
    cause,
  });
}
