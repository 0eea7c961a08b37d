/** RFC 9457 problem details, with LeerID's stable error code beside the status. */
import type { Context } from 'koa';

export const PROBLEMS = {
  'api.invalid_request': { status: 400, title: 'The request does not match the API description' },
  'api.unauthorized': { status: 401, title: 'A valid access token is required' },
  'api.invalid_credentials': { status: 401, title: 'Username or password is wrong' },
  'api.insufficient_scope': { status: 403, title: 'The access token lacks the scope needed' },
  'api.not_found': { status: 404, title: 'Not found' },
  'api.body_too_large': { status: 413, title: 'The request body is larger than 16 KiB' },
  'api.account_locked': { status: 423, title: 'Too many failed attempts; try again later' },
  'api.rate_limited': { status: 429, title: 'Too many requests' },
  'api.server_error': { status: 500, title: 'Something went wrong on our side' },
  'api.unavailable': { status: 503, title: 'A dependency is unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class ApiProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? PROBLEMS[code].title);
  }
}

export function sendProblem(ctx: Context, problem: ApiProblem) {
  const { status, title } = PROBLEMS[problem.code];
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `urn:leerid:problem:${problem.code}`,
    title,
    status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...problem.extra,
  };
}
