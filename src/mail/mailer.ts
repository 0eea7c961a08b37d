/**
 * Outgoing e-mail through nodemailer. With SMTP configured it sends; in the
 * embedded default each message lands in an outbox folder (an .eml to open
 * in a mail program, a .json beside it for tools), or in the log.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import type { Logger } from '../http/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createMailer(config: Config, logger: Logger): Mailer {
  const { mail } = config;

  if (mail.transport === 'smtp') {
    const transport = nodemailer.createTransport(mail.smtpUrl as string);
    return {
      async send(message) {
        try {
          await transport.sendMail({ from: mail.from, ...message });
        } catch (error) {
          throw new LeerIdError('mail.failed', 'De e-mail kon niet verstuurd worden.', {
            status: 502,
            cause: error,
          });
        }
      },
    };
  }

  if (mail.transport === 'console') {
    return {
      async send(message) {
        // The log is where a developer reads it; the config allows this transport
        // only with a loopback issuer, since links here are credentials.
        logger.info({ mail: message }, 'e-mail (console transport)');
      },
    };
  }

  return createOutboxMailer(mail.outboxDir ?? join(config.dataDir, 'outbox'), mail.from);
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });

  return {
    async send(message) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = await transport.sendMail({ from, ...message });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}`;
      await writeFile(join(dir, `${name}.eml`), info.message as Buffer, { mode: 0o600 });
      await writeFile(join(dir, `${name}.json`), JSON.stringify({ from, ...message }, null, 2), {
        mode: 0o600,
      });
    },
  };
}
