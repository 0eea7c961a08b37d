/**
 * Clients registered by an integrator in a JSON file: learning platforms
 * (relying parties, the default `type`) and API callers (`"type": "api"`,
 * systems such as ACM that use the pupil API). Validated at start: a mistake
 * names the client and the field, and the service does not start.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LeerIdError } from '../errors/index.js';

export const SCOPES = ['openid', 'profile', 'leerid', 'insz', 'offline_access'] as const;
export const API_SCOPES = ['pupils:read', 'credentials:verify', 'school:pupils', 'insz'] as const;

const institutionNumber = z.string().regex(/^\d{1,10}$/, 'must be digits only');

const clientId = z.string().regex(/^[A-Za-z0-9._:-]{3,120}$/);

/** Redirect URIs are matched exactly (RFC 6749 §3.1.2): no patterns, no fragments. */
const redirectUri = z
  .url()
  .refine((uri) => !uri.includes('*'), 'no wildcards: list every URI exactly')
  .refine((uri) => !uri.includes('#'), 'must not contain a fragment');

const publicJwk = z
  .object({ kty: z.string(), kid: z.string().optional() })
  .passthrough()
  .refine((jwk) => !('d' in jwk), 'must hold public keys only');

const apiCallerSchema = z
  .object({
    type: z.literal('api'),
    client_id: clientId,
    client_name: z.string().min(1).max(200).optional(),
    jwks: z
      .object({ keys: z.array(publicJwk).min(1) })
      .strict()
      .optional(),
    jwks_uri: z.url().optional(),
    scopes: z.array(z.enum(API_SCOPES)).min(1),
    institutions: z.array(institutionNumber).default([]),
    allInstitutions: z.boolean().default(false),
    inszLegalBasis: z.string().min(5, 'must cite the decree that allows INSZ').optional(),
    requestsPerMinute: z.number().int().positive().default(600),
  })
  .strict();

const clientSchema = z
  .object({
    type: z.literal('platform').optional(),
    client_id: clientId,
    client_name: z.string().min(1).max(200).optional(),
    public: z.boolean().default(false),
    client_secret: z.string().min(32, 'must be at least 32 characters').optional(),
    client_secret_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    redirect_uris: z.array(redirectUri).min(1),
    post_logout_redirect_uris: z.array(redirectUri).default([]),
    institutions: z.array(institutionNumber).default([]),
    scopes: z.array(z.enum(SCOPES)).min(1).default(['openid', 'profile', 'leerid']),
    inszLegalBasis: z.string().min(5, 'must cite the decree that allows INSZ').optional(),
  })
  .strict();

const fileSchema = z.object({ clients: z.array(z.unknown()) }).strict();

/** A learning platform: an OpenID Connect relying party. */
export type ClientRegistration = Readonly<Omit<z.output<typeof clientSchema>, 'client_secret_env'>>;

/** A system that calls the pupil API with client credentials and private_key_jwt. */
export type ApiCallerRegistration = Readonly<z.output<typeof apiCallerSchema>>;

export interface Registrations {
  platforms: ClientRegistration[];
  apiCallers: ApiCallerRegistration[];
}

export function loadClients(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ClientRegistration[] {
  return loadRegistrations(file, env).platforms;
}

export function loadRegistrations(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Registrations {
  const text = readText(file);
  const parsedFile = fileSchema.safeParse(parseJson(file, text));
  if (!parsedFile.success) {
    throw invalid(file, 'the file must be {"clients": [ … ]}');
  }

  const seen = new Set<string>();
  const registrations: Registrations = { platforms: [], apiCallers: [] };
  parsedFile.data.clients.forEach((raw, index) => {
    const label = clientLabel(raw, index);
    const client = isApiCaller(raw)
      ? parseApiCaller(file, label, raw)
      : parsePlatform(file, label, raw, env);

    if (seen.has(client.client_id)) {
      throw invalid(file, `${label}: field client_id: registered twice`);
    }
    seen.add(client.client_id);

    if (client.type === 'api') registrations.apiCallers.push(client);
    else registrations.platforms.push(client);
  });
  return registrations;
}

function isApiCaller(raw: unknown): boolean {
  return (raw as { type?: unknown } | null)?.type === 'api';
}

function parsePlatform(
  file: string,
  label: string,
  raw: unknown,
  env: NodeJS.ProcessEnv,
): ClientRegistration {
  const parsed = clientSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalid(file, `${label}: ${describeIssue(parsed.error.issues[0])}`);
  }
  const client = resolveSecret(file, label, parsed.data, env);
  checkRules(file, label, client);
  return client;
}

function parseApiCaller(file: string, label: string, raw: unknown): ApiCallerRegistration {
  const parsed = apiCallerSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalid(file, `${label}: ${describeIssue(parsed.error.issues[0])}`);
  }
  const caller = parsed.data;
  if (!caller.jwks === !caller.jwks_uri) {
    throw invalid(file, `${label}: field jwks: give either jwks or jwks_uri`);
  }
  if (caller.scopes.includes('insz') && !caller.inszLegalBasis) {
    throw invalid(file, `${label}: field inszLegalBasis: required for scope insz`);
  }
  if (!caller.allInstitutions && caller.institutions.length === 0) {
    throw invalid(file, `${label}: field institutions: list schools or set allInstitutions`);
  }
  return caller;
}

function resolveSecret(
  file: string,
  label: string,
  client: z.output<typeof clientSchema>,
  env: NodeJS.ProcessEnv,
): ClientRegistration {
  const { client_secret_env: secretEnv, ...rest } = client;
  if (!secretEnv) return rest;

  const secret = env[secretEnv];
  if (!secret || secret.length < 32) {
    throw invalid(
      file,
      `${label}: field client_secret_env: ${secretEnv} is unset or shorter than 32`,
    );
  }
  return { ...rest, client_secret: secret };
}

function checkRules(file: string, label: string, client: ClientRegistration) {
  if (client.public && client.client_secret) {
    throw invalid(file, `${label}: field client_secret: a public client has no secret`);
  }
  if (!client.public && !client.client_secret) {
    throw invalid(file, `${label}: field client_secret: required unless "public": true`);
  }
  if (!client.scopes.includes('openid')) {
    throw invalid(file, `${label}: field scopes: must include openid`);
  }
  if (client.scopes.includes('insz') && !client.inszLegalBasis) {
    throw invalid(file, `${label}: field inszLegalBasis: required for scope insz`);
  }
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid';
  if (issue.code === 'unrecognized_keys') return `field ${issue.keys.join(', ')}: unknown field`;
  return `field ${issue.path.join('.')}: ${issue.message}`;
}

function clientLabel(raw: unknown, index: number): string {
  const id = (raw as { client_id?: unknown } | null)?.client_id;
  return typeof id === 'string' ? `client "${id}" (#${index + 1})` : `client #${index + 1}`;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(file, `not valid JSON: ${(error as Error).message}`);
  }
}

function invalid(file: string, message: string): LeerIdError {
  return new LeerIdError('clients.invalid', `${file}: ${message}`);
}
