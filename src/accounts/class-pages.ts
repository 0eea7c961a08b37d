/**
 * Class login pages for the picture login. A school prints a class code (or
 * its QR code); a teacher opens it on a class device, which then carries a
 * signed cookie for the school day, and the login page shows the class grid.
 * Without such a page the picture login is not offered at all.
 */
import { createHash, randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { LeerIdError } from '../errors/index.js';
import type { SchoolAdmin } from './authorization.js';
import { now, type AccountContext } from './context.js';
import { pictureAccount } from './login.js';
import { gridFor, pictureById, type Picture } from './pictures.js';
import { pageLink } from './admin-service.js';

// No 0/O, 1/I/L: the code is read from paper.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

// "Van den Broeck" is filed under B in a Flemish class list.
const PARTICLES = /^((van|de|der|den|het|ten|ter|le|la)\s+|d')+/i;

export interface ClassSession {
  classId: number;
  institutionNumber: string;
  administrativeGroup: string;
}

export interface ClassCodeIssued {
  code: string;
  url: string;
  /** The URL as a QR code, an SVG document to print. */
  qrSvg: string;
  expiresAt: number;
}

export interface ClassGridEntry {
  pupilId: string;
  /** First name and initial, e.g. "Lotte V.": enough for a class, no more. */
  label: string;
}

export function createClassPages(context: AccountContext) {
  const { classCodes } = context;

  async function sessionFor(classId: number): Promise<ClassSession | undefined> {
    const row = await classCodes.findById(classId);
    if (!row || row.revokedAt !== null || row.expiresAt <= now(context)) return undefined;
    return {
      classId: row.id,
      institutionNumber: row.institutionNumber,
      administrativeGroup: row.administrativeGroup,
    };
  }

  return {
    /** A new code for one administrative group of the admin's school. */
    async issueClassCode(
      admin: SchoolAdmin,
      institutionNumber: string,
      administrativeGroup: string,
    ): Promise<ClassCodeIssued> {
      context.authorization.assertAdminOf(admin, institutionNumber);
      const code = Array.from(
        { length: CODE_LENGTH },
        () => ALPHABET[randomInt(ALPHABET.length)],
      ).join('');
      const expiresAt = now(context) + context.config.accounts.classCodeTtlDays * 86_400_000;
      await classCodes.insert({
        codeHash: hashCode(code),
        institutionNumber,
        administrativeGroup,
        createdBy: admin.adminId,
        now: now(context),
        expiresAt,
      });
      const url = pageLink(context, `/klas/${code}`, 'nl');
      return { code, url, qrSvg: await QRCode.toString(url, { type: 'svg' }), expiresAt };
    },

    /** Ends every code of the group; devices with its page open lose it too. */
    async revokeClassCodes(
      admin: SchoolAdmin,
      institutionNumber: string,
      administrativeGroup: string,
    ): Promise<number> {
      context.authorization.assertAdminOf(admin, institutionNumber);
      return classCodes.revokeGroup(institutionNumber, administrativeGroup, now(context));
    },

    /** Opens the class page for a typed or scanned code: the cookie value, or a throw. */
    async open(code: string, ip: string): Promise<{ session: ClassSession; cookie: string }> {
      const check = await context.throttle.check('selfService', `class:${ip}`);
      const row = check.allowed ? await classCodes.findByHash(hashCode(code)) : undefined;
      const session = row ? await sessionFor(row.id) : undefined;
      if (!session) {
        if (check.allowed) await context.throttle.fail('selfService', `class:${ip}`);
        throw new LeerIdError('account.class_code_invalid', 'Deze klascode werkt niet.', {
          status: 404,
        });
      }

      const hours = context.config.accounts.classPageTtlHours;
      const cookie = await context.links.sign('class-page', String(session.classId), hours * 3600);
      return { session, cookie };
    },

    /** The class session a device's cookie carries, when still valid. */
    async read(cookie: string | undefined): Promise<ClassSession | undefined> {
      if (!cookie) return undefined;
      try {
        const claims = await context.links.verify(cookie, 'class-page');
        return await sessionFor(Number(claims.subject));
      } catch {
        return undefined;
      }
    },

    /** The pupils of the class who log in with a picture. */
    async grid(session: ClassSession): Promise<ClassGridEntry[]> {
      const members = await context.accounts.findClassMembers(
        session.institutionNumber,
        session.administrativeGroup,
        context.today(),
      );
      const entries: ClassGridEntry[] = [];
      for (const member of members) {
        if (!(await pictureAccount(context, session, member.pupilId))) continue;
        const initial = member.familyName.replace(PARTICLES, '').slice(0, 1).toUpperCase();
        entries.push({ pupilId: member.pupilId, label: `${member.givenName} ${initial}.` });
      }
      return entries;
    },

    /** The nine pictures one pupil chooses from, or undefined when not offered. */
    async pictures(session: ClassSession, pupilId: string): Promise<Picture[] | undefined> {
      const account = await pictureAccount(context, session, pupilId);
      if (!account?.picture || !pictureById(account.picture)) return undefined;
      return gridFor(context.keys.linkKey, pupilId, account.picture);
    },
  };
}

function hashCode(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}

export type ClassPages = ReturnType<typeof createClassPages>;
