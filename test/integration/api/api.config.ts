/** API callers of the pupil-API suite, each with its own signing key (all synthetic). */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { ApiCallerRegistration } from '../../../src/oidc/clients.js';
import { SCHOOL_A } from '../oidc/login-flow.config.js';

export interface CallerKeys {
  privateKey: CryptoKey;
  publicJwk: JWK & { kty: string };
}

export async function callerKeys(): Promise<CallerKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicJwk: { ...jwk, kty: jwk.kty as string, alg: 'ES256', use: 'sig' } };
}

export function apiCallers(keys: Record<'acm' | 'schoolTool' | 'limited', CallerKeys>) {
  const callers: ApiCallerRegistration[] = [
    {
      type: 'api',
      client_id: 'acm',
      client_name: 'ACM (test)',
      jwks: { keys: [keys.acm.publicJwk] },
      scopes: ['pupils:read', 'credentials:verify', 'insz'],
      institutions: [],
      allInstitutions: true,
      inszLegalBasis: 'Decreet van 1 januari 2030, artikel 99 (fictief, voor tests)',
      requestsPerMinute: 1000,
    },
    {
      type: 'api',
      client_id: 'school-tool',
      jwks: { keys: [keys.schoolTool.publicJwk] },
      scopes: ['pupils:read', 'school:pupils', 'credentials:verify'],
      institutions: [SCHOOL_A],
      allInstitutions: false,
      requestsPerMinute: 1000,
    },
    {
      type: 'api',
      client_id: 'limited',
      jwks: { keys: [keys.limited.publicJwk] },
      scopes: ['pupils:read'],
      institutions: [SCHOOL_A],
      allInstitutions: false,
      requestsPerMinute: 3,
    },
  ];
  return callers;
}
