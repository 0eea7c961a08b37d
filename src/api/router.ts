/**
 * The pupil API under /api/v1: OpenAPI routing and request validation
 * (openapi-backend), caller authentication, scope and rate checks, then
 * the operation. Errors leave as RFC 9457 problems.
 */
import type { Context, Middleware } from 'koa';
import { OpenAPIBackend, type Context as OperationContext, type Document } from 'openapi-backend';
import type Provider from 'oidc-provider';
import addFormats from 'ajv-formats';
import type { Logger } from '../http/logger.js';
import type { ApiCallerRegistration } from '../oidc/clients.js';
import type { Services } from '../services.js';
import type { KeyValueStore } from '../store/key-value.js';
import { authenticateCaller, requireScopes, type Caller } from './caller.js';
import type { CredentialCheck } from './credentials.js';
import { createHandlers, type ApiResult } from './handlers.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { ApiProblem, sendProblem } from './problem.js';
import { checkQuery, readJsonBody } from './request-input.js';

export const API_ROOT = '/api/v1';
const RATE_WINDOW_SECONDS = 60;

export interface ApiOptions {
  provider: Provider;
  services: Services;
  callers: ApiCallerRegistration[];
  kv: KeyValueStore;
  checkCredentials: CredentialCheck;
  logger: Logger;
  /** Check every response against the document too (tests turn this on). */
  validateResponses?: boolean;
}

export async function createApiMiddleware(options: ApiOptions): Promise<Middleware> {
  const { provider, services, kv, logger } = options;
  const callers = new Map(options.callers.map((caller) => [caller.client_id, caller]));
  const handlers = createHandlers(services, options.checkCredentials);

  const api = new OpenAPIBackend({
    definition: structuredClone(OPENAPI_DOCUMENT) as unknown as Document,
    apiRoot: API_ROOT,
    strict: true,
    customizeAjv: (ajv) => {
      addFormats.default(ajv);
      return ajv;
    },
    // Its own document check knows OpenAPI 3.0 only; a test checks ours as 3.1.
    quick: true,
  });

  api.registerSecurityHandler('clientCredentials', async (c: OperationContext, ctx: Context) => {
    // The request log shows the operation's path pattern, never a pupil id.
    (ctx as { _matchedRoute?: string })._matchedRoute = `${API_ROOT}${c.operation.path}`;
    const caller = await authenticateCaller(ctx, provider, callers);
    await limitRate(ctx, kv, caller);
    return caller;
  });

  api.register({
    notFound: () => {
      throw new ApiProblem('api.not_found', 'no such operation');
    },
    methodNotAllowed: () => {
      throw new ApiProblem('api.not_found', 'no such operation for this method');
    },
    unauthorizedHandler: (c: OperationContext) => {
      const failure = (c.security?.clientCredentials as { error?: unknown } | undefined)?.error;
      throw failure instanceof ApiProblem ? failure : new ApiProblem('api.unauthorized');
    },
    validationFail: (c: OperationContext) => {
      const errors = (c.validation.errors ?? []).map((error) => ({
        path: error.instancePath || error.schemaPath,
        message: error.message,
      }));
      throw new ApiProblem('api.invalid_request', 'see errors', { errors });
    },
  });

  for (const [operationId, handler] of Object.entries(handlers)) {
    api.register(operationId, async (c: OperationContext, ctx: Context): Promise<ApiResult> => {
      const caller = c.security?.clientCredentials as Caller;
      requireScopes(ctx, caller, scopesOf(c));

      const result = await handler(caller, {
        params: c.request.params as Record<string, string>,
        query: c.request.query as Record<string, string>,
        body: c.request.requestBody,
      });

      if (options.validateResponses) {
        const check = api.validateResponse(result.body, c.operation, result.status);
        if (check.errors) {
          throw new Error(
            `${operationId} response breaks the API document: ${JSON.stringify(check.errors)}`,
          );
        }
      }
      return result;
    });
  }

  await api.init();

  return async (ctx, next) => {
    if (!ctx.path.startsWith(`${API_ROOT}/`)) return next();
    ctx.set('Cache-Control', 'no-store');

    if (ctx.path === `${API_ROOT}/openapi.json` && ctx.method === 'GET') {
      ctx.body = OPENAPI_DOCUMENT;
      return;
    }

    try {
      checkQuery(ctx.query);
      const result = (await api.handleRequest(
        {
          method: ctx.method,
          path: ctx.path,
          query: ctx.query as Record<string, string>,
          headers: ctx.headers as Record<string, string>,
          body: await readJsonBody(ctx),
        },
        ctx,
      )) as ApiResult;
      ctx.status = result.status;
      ctx.body = result.body;
    } catch (error) {
      if (error instanceof ApiProblem) return sendProblem(ctx, error);
      logger.error({ err: error, reqId: ctx.state.requestId }, 'api operation failed');
      sendProblem(
        ctx,
        new ApiProblem(isUnavailable(error) ? 'api.unavailable' : 'api.server_error'),
      );
    }
  };
}

function scopesOf(c: OperationContext): string[] {
  const requirements = (c.operation.security ?? []) as Record<string, string[]>[];
  return requirements.flatMap((requirement) => requirement.clientCredentials ?? []);
}

async function limitRate(ctx: Context, kv: KeyValueStore, caller: Caller) {
  const key = `api:rate:${caller.registration.client_id}`;
  const count = await kv.increment(key, RATE_WINDOW_SECONDS);
  if (count > caller.registration.requestsPerMinute) {
    ctx.set('Retry-After', String(RATE_WINDOW_SECONDS));
    throw new ApiProblem(
      'api.rate_limited',
      `at most ${caller.registration.requestsPerMinute} a minute`,
    );
  }
}

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'store.unavailable';
}
