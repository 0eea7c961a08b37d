/**
 * Signed, expiring, single-use links for e-mail: a compact JWS (HS256) under
 * the link key names its purpose and pupil; the key-value store remembers
 * each used link id until the link would have expired anyway.
 */
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LeerIdError } from '../errors/index.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { Clock } from '../util/clock.js';

export type LinkPurpose = 'handover' | 'reset' | 'confirm-email' | 'class-page';

const TYPE = 'leerid-link+jwt';

export interface LinkClaims {
  purpose: LinkPurpose;
  /** The pupil id, or for a class page the class code id. */
  subject: string;
  jti: string;
  /** Seconds since the epoch, as signed. */
  issuedAt: number;
  expiresAt: number;
  email?: string;
}

export interface LinkSigner {
  sign(
    purpose: LinkPurpose,
    subject: string,
    ttlSeconds: number,
    extra?: { email?: string },
  ): Promise<string>;
  /** The claims of a genuine, unexpired link for `purpose`; throws otherwise. */
  verify(token: string, purpose: LinkPurpose): Promise<LinkClaims>;
  /** Whether the link was used already (for the page that shows its form). */
  isUsed(claims: LinkClaims): Promise<boolean>;
  /** Marks the link used; throws account.link_used when it was used before. */
  consume(claims: LinkClaims): Promise<void>;
}

export function createLinkSigner(key: Uint8Array, kv: KeyValueStore, clock: Clock): LinkSigner {
  const usedKey = (claims: LinkClaims) => `accounts:link-used:${claims.jti}`;

  return {
    async sign(purpose, subject, ttlSeconds, extra = {}) {
      const now = Math.floor(clock().getTime() / 1000);
      return new SignJWT({ ...(extra.email ? { email: extra.email } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: TYPE })
        .setSubject(subject)
        .setAudience(purpose)
        .setJti(randomBytes(16).toString('base64url'))
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },

    async verify(token, purpose) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          audience: purpose,
          typ: TYPE,
          currentDate: clock(),
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        });
        return {
          purpose,
          subject: payload.sub as string,
          jti: payload.jti as string,
          issuedAt: payload.iat as number,
          expiresAt: (payload.exp as number) * 1000,
          ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
        };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          throw new LeerIdError('account.link_expired', 'Deze link is verlopen.', { status: 410 });
        }
        throw new LeerIdError('account.link_invalid', 'Deze link is ongeldig.', {
          status: 404,
          cause: error,
        });
      }
    },

    async isUsed(claims) {
      return (await kv.get(usedKey(claims))) !== undefined;
    },

    async consume(claims) {
      // Kept a day past expiry: until then the signature alone would still pass.
      const ttl = Math.max(60, (claims.expiresAt - clock().getTime()) / 1000 + 86_400);
      const fresh = await kv.setIfAbsent(usedKey(claims), '1', ttl);
      if (!fresh) {
        throw new LeerIdError('account.link_used', 'Deze link werd al gebruikt.', { status: 410 });
      }
    },
  };
}
