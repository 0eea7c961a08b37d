/**
 * ACM over SAML 2.0 as an upstream connector: SP metadata at a stable URL,
 * signed AuthnRequests over HTTP-Redirect, the ACS over HTTP-POST, and
 * single logout.
 */
import Router from '@koa/router';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { AdminRoleConfig, MappingRule, SamlConfig } from '../../config/upstream.js';
import type { Logger } from '../../http/logger.js';
import type { UpstreamStateStore } from '../../store/upstream-state.js';
import type { IdentityHandler, LogoutReturnHandler, UpstreamConnector } from '../connector.js';
import { CONNECTOR_ID, consumeSamlResponse, requestKey, type AcsDeps } from './acs.js';
import { createIdpMetadataSource } from './idp-metadata.js';
import { consumeLogoutResponse, newRequestId, samlLogoutUrl } from './logout.js';
import { createSaml } from './node-saml.js';
import { loadSpKeys } from './sp-keys.js';

export interface SamlConnectorOptions {
  config: SamlConfig;
  issuer: string;
  mapping: readonly MappingRule[];
  adminRole: AdminRoleConfig;
  state: UpstreamStateStore;
  logger: Logger;
  now: () => number;
  onIdentity: IdentityHandler;
  onLogoutReturn: LogoutReturnHandler;
}

export const SAML_PATHS = {
  metadata: '/upstream/saml/metadata',
  acs: '/upstream/saml/acs',
  slo: '/upstream/saml/slo',
};

export function createSamlConnector(options: SamlConnectorOptions): UpstreamConnector {
  const { config, issuer, state, logger } = options;
  const endpoints = {
    entityId: config.entityId ?? `${issuer}${SAML_PATHS.metadata}`,
    acsUrl: `${issuer}${SAML_PATHS.acs}`,
    sloUrl: `${issuer}${SAML_PATHS.slo}`,
  };
  const deps: AcsDeps = {
    config,
    endpoints,
    keys: loadSpKeys(config),
    idp: createIdpMetadataSource(
      {
        file: config.idpMetadataFile,
        url: config.idpMetadataUrl,
        refreshSeconds: config.idpMetadataRefreshSeconds,
      },
      logger,
      options.now,
    ),
    state,
    now: options.now,
  };
  const metadataXml = buildSpMetadata(deps);

  const router = new Router();
  router.get(SAML_PATHS.metadata, (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = metadataXml;
  });

  router.post(SAML_PATHS.acs, async (ctx) => {
    const form = await readSamlForm(ctx);
    const { interactionUid, identity } = await consumeSamlResponse(form.get('SAMLResponse'), deps);
    await options.onIdentity(ctx, interactionUid, identity);
  });

  router.post(SAML_PATHS.slo, async (ctx) => {
    const form = await readSamlForm(ctx);
    const logoutState = await consumeLogoutResponse(form.get('SAMLResponse'), deps).catch(
      (error: unknown) => {
        // The LeerID session is gone already; only the IdP's answer is in doubt.
        logger.warn(
          { reason: 'upstream.logout', err: error, reqId: ctx.state.requestId },
          'upstream logout answer refused',
        );
        return undefined;
      },
    );
    await options.onLogoutReturn(ctx, logoutState);
  });

  return {
    id: CONNECTOR_ID,
    label: config.label,
    mapping: config.mapping ?? options.mapping,
    adminRole: config.adminRole ?? options.adminRole,
    router,

    async start(interactionUid) {
      const idp = await deps.idp.current();
      const requestId = newRequestId();
      await state.put(
        requestKey(requestId),
        JSON.stringify({ interactionUid }),
        config.requestTtlSeconds,
      );
      return createSaml(config, endpoints, deps.keys, idp, requestId).getAuthorizeUrlAsync(
        '',
        undefined,
        {},
      );
    },

    logoutUrl: (handle, logoutState) => samlLogoutUrl(handle, logoutState, deps),
  };
}

function buildSpMetadata(deps: AcsDeps): string {
  return generateServiceProviderMetadata({
    issuer: deps.endpoints.entityId,
    callbackUrl: deps.endpoints.acsUrl,
    ...(deps.config.singleLogout ? { logoutCallbackUrl: deps.endpoints.sloUrl } : {}),
    privateKey: deps.keys.signingKey,
    publicCerts: deps.keys.signingCert,
    decryptionPvk: deps.keys.encryptionKey,
    decryptionCert: deps.keys.encryptionCert,
    identifierFormat: deps.config.nameIdFormat ?? null,
    wantAssertionsSigned: true,
    signatureAlgorithm: deps.config.signatureAlgorithm,
    // A stable document: the ID changes only when the content does.
    generateUniqueId: () => `_leerid-sp-metadata`,
  });
}

/** The ACS form: larger than LeerID's other forms, since it carries a whole assertion. */
async function readSamlForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const text = await getRawBody(ctx.req, { limit: '768kb', encoding: 'utf8' });
  return new URLSearchParams(text);
}
