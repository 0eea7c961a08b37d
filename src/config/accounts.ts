/**
 * The `accounts` and `mail` sections of the configuration: username scheme,
 * key files, link lifetimes, retention, and how e-mail leaves the service.
 */
import { z } from 'zod';
import { numberSetting } from './checks.js';

const DAY_MINUTES = 24 * 60;
const TWO_WEEKS_HOURS = 14 * 24;

export const USERNAME_SCHEMES = ['given.family', 'given.f', 'givenfamily'] as const;

export const accountsSchema = z
  .object({
    usernameScheme: z
      .enum(USERNAME_SCHEMES)
      .default('given.family')
      .describe('given.family: zoe.vandenbroeck; given.f: zoe.v; givenfamily: zoevandenbroeck'),
    copyKeyFile: z
      .string()
      .optional()
      .describe('AES-256 key of the school-visible copy; default <keysDir>/password-copy.key'),
    linkKeyFile: z
      .string()
      .optional()
      .describe('HMAC key of e-mailed links and class pages; default <keysDir>/account-links.key'),
    handoverTtlDays: numberSetting(z.number().int().min(1).max(60)).default(7),
    resetTtlMinutes: numberSetting(z.number().int().min(5).max(DAY_MINUTES)).default(60),
    confirmTtlHours: numberSetting(z.number().int().min(1).max(TWO_WEEKS_HOURS)).default(48),
    classCodeTtlDays: numberSetting(z.number().int().min(1).max(400)).default(365),
    classPageTtlHours: numberSetting(z.number().int().min(1).max(24)).default(10),
    inactiveYears: numberSetting(z.number().int().min(1)).default(3),
    retentionYears: numberSetting(z.number().int().min(1)).default(12),
  })
  .strict()
  .prefault({});

export const mailSchema = z
  .object({
    transport: z
      .enum(['outbox', 'console', 'smtp'])
      .default('outbox')
      .describe('outbox: files in outboxDir; console: the log; smtp: smtpUrl'),
    smtpUrl: z.string().optional().describe('smtp://user:pass@host:587 or smtps://…'),
    from: z.string().default('LeerID <no-reply@leerid.invalid>'),
    outboxDir: z.string().optional().describe('default <dataDir>/outbox'),
  })
  .strict()
  .prefault({})
  .refine((mail) => mail.transport !== 'smtp' || Boolean(mail.smtpUrl), {
    message: 'transport smtp needs smtpUrl',
    path: ['smtpUrl'],
  });
