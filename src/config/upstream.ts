/**
 * The `upstream` section of the configuration: ACM (or another identity
 * provider) reached over SAML 2.0 or OpenID Connect. Without a `saml` or
 * `oidc` block, upstream login is off and the login page shows no button.
 */
import { z } from 'zod';
import { numberSetting } from './checks.js';

const mappingRule = z
  .object({
    by: z.enum(['uuid', 'insz', 'username']),
    attribute: z.string().min(1),
  })
  .strict();

/** Tried in order; the first rule whose attribute finds exactly one pupil wins. */
const mapping = z.array(mappingRule).min(1);

const adminRole = z
  .object({
    attribute: z.string().min(1).default('rol'),
    prefix: z.string().min(1).default('LeerIDBeheerder:'),
  })
  .strict();

const saml = z
  .object({
    label: z.string().min(1).default('Aanmelden via ACM'),
    entityId: z.string().min(1).optional().describe('default: <issuer>/upstream/saml/metadata'),
    idpMetadataFile: z.string().min(1).optional(),
    idpMetadataUrl: z.url().optional(),
    idpMetadataRefreshSeconds: numberSetting(z.number().int().min(60)).default(6 * 3600),
    spKeyFile: z.string().min(1).describe('PEM private key that signs AuthnRequests'),
    spCertFile: z.string().min(1).describe('PEM certificate published in the SP metadata'),
    encryptionKeyFile: z.string().min(1).optional().describe('default: spKeyFile'),
    encryptionCertFile: z.string().min(1).optional().describe('default: spCertFile'),
    nameIdFormat: z.string().min(1).optional(),
    authnContext: z.array(z.string().min(1)).optional(),
    signatureAlgorithm: z.enum(['sha256', 'sha512']).default('sha256'),
    clockSkewSeconds: numberSetting(z.number().int().min(0).max(300)).default(60),
    requestTtlSeconds: numberSetting(z.number().int().min(30).max(3600)).default(600),
    maxAssertionAgeSeconds: numberSetting(z.number().int().min(0)).default(0),
    singleLogout: z.boolean().default(true),
    mapping: mapping.optional(),
    adminRole: adminRole.optional(),
  })
  .strict()
  .refine((s) => Boolean(s.idpMetadataFile) !== Boolean(s.idpMetadataUrl), {
    message: 'set exactly one of idpMetadataFile and idpMetadataUrl',
  });

const oidc = z
  .object({
    label: z.string().min(1).default('Aanmelden via ACM (OpenID Connect)'),
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    clientSecretEnv: z.string().min(1).optional(),
    scope: z.string().default('openid profile'),
    /** Only for tests and local peers: openid-client refuses plain http otherwise. */
    allowHttp: z.boolean().default(false),
    requestTtlSeconds: numberSetting(z.number().int().min(30).max(3600)).default(600),
    singleLogout: z.boolean().default(true),
    mapping: mapping.optional(),
    adminRole: adminRole.optional(),
  })
  .strict();

export const upstreamSchema = z
  .object({
    mapping: mapping.default([
      { by: 'uuid', attribute: 'leerid_uuid' },
      { by: 'insz', attribute: 'rrn' },
    ]),
    adminRole: adminRole.prefault({}),
    saml: saml.optional(),
    oidc: oidc.optional(),
  })
  .strict()
  .prefault({});

export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type SamlConfig = NonNullable<UpstreamConfig['saml']>;
export type OidcUpstreamConfig = NonNullable<UpstreamConfig['oidc']>;
export type MappingRule = z.output<typeof mappingRule>;
export type AdminRoleConfig = z.output<typeof adminRole>;
