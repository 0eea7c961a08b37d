/**
 * The demo administrator of the embedded default: only with `serve --demo`,
 * administrator of the first demo school, with a password made at each start
 * and printed in the banner. Without --demo it does not exist at all.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { SchoolAdmin } from '../accounts/authorization.js';

export interface DemoAdmin {
  username: string;
  password: string;
  institutions: string[];
}

export const DEMO_ADMIN_USERNAME = 'demo-beheerder';

export function makeDemoAdmin(institution: string): DemoAdmin {
  return {
    username: DEMO_ADMIN_USERNAME,
    password: randomBytes(12).toString('base64url'),
    institutions: [institution],
  };
}

/** The SchoolAdmin when the username and password are the demo administrator's. */
export function checkDemoAdmin(
  demo: DemoAdmin,
  username: string,
  password: string,
): SchoolAdmin | undefined {
  // Hashes first: equal lengths for timingSafeEqual, no length leak.
  const same = (a: string, b: string) =>
    timingSafeEqual(
      createHash('sha256').update(a).digest(),
      createHash('sha256').update(b).digest(),
    );
  const ok = same(username.trim().toLowerCase(), demo.username) && same(password, demo.password);
  return ok
    ? { adminId: `demo:${demo.username}`, institutions: [...demo.institutions] }
    : undefined;
}
