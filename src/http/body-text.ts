/**
 * A request body as UTF-8 text, capped at 16 KiB: the forms of our pages and
 * the JSON of the pupil API are read through here, so they share one limit.
 */
import type { Context } from 'koa';
import getRawBody from 'raw-body';

export const BODY_LIMIT_BYTES = 16 * 1024;

/** The body was larger than BODY_LIMIT_BYTES; each reader answers 413 in its own form. */
export class BodyTooLargeError extends Error {
  constructor() {
    super(`the body is larger than ${BODY_LIMIT_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export async function readBodyText(ctx: Context): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit: BODY_LIMIT_BYTES, encoding: 'utf8' });
  } catch (error) {
    // raw-body names its refusals by a stable `type`.
    if ((error as { type?: string } | null)?.type === 'entity.too.large') {
      throw new BodyTooLargeError();
    }
    throw error;
  }
}
