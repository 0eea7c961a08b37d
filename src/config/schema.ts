/**
 * The one configuration schema. Every option has its default here, so the
 * rest of the code only ever sees a fully resolved, frozen Config.
 */
import { z } from 'zod';
import { accountsSchema, mailSchema } from './accounts.js';
import {
  checkedBy,
  databaseUrlProblem,
  DATABASE_URL_FORMS,
  hostProblem,
  issuerProblem,
  isLoopbackUrl,
  numberSetting,
  redisUrlProblem,
  timeZoneProblem,
} from './checks.js';
import { upstreamSchema } from './upstream.js';

const PROXY_HOPS = 'the number of trusted reverse proxies, a whole number from 0 to 10';

export const configSchema = z
  .object({
    issuer: z.string().superRefine(checkedBy(issuerProblem)).default('http://localhost:3000'),
    host: z.string().superRefine(checkedBy(hostProblem)).default('127.0.0.1'),
    port: numberSetting(z.number().int().min(0).max(65535)).default(3000),
    proxyHops: numberSetting(
      z.number(PROXY_HOPS).int(PROXY_HOPS).min(0, PROXY_HOPS).max(10, PROXY_HOPS),
    )
      .default(0)
      .describe('reverse proxies in front of the node; 0: X-Forwarded-* is ignored'),
    databaseUrl: z
      .string()
      .superRefine(checkedBy(databaseUrlProblem))
      .default('sqlite:data/leerid.sqlite')
      .describe(DATABASE_URL_FORMS),
    redisUrl: z
      .string()
      .superRefine(checkedBy(redisUrlProblem))
      .optional()
      .describe('redis://… or rediss://…; unset: no Redis'),
    redisKeyPrefix: z.string().default('leerid:').describe('before every Redis key'),
    jwks: z.string().optional().describe('secret (env only): the private signing JWKS as JSON'),
    jwksFile: z.string().optional().describe('file with the private JWKS; rotated in place'),
    cookieKeys: z.string().optional().describe('secret (env only): cookie keys, a JSON array'),
    cookieKeysFile: z.string().optional().describe('file with the cookie keys'),
    metricsToken: z
      .string()
      .min(16)
      .optional()
      .describe('secret (env only): bearer token /metrics then asks for'),
    dependencyTimeoutMs: numberSetting(z.number().int().min(50).max(30_000))
      .default(1000)
      .describe('longest wait for PostgreSQL or Redis before a request answers 503'),
    shutdownGraceSeconds: numberSetting(z.number().min(0).max(300))
      .default(10)
      .describe('how long in-flight requests may finish after SIGTERM'),
    shutdownDelaySeconds: numberSetting(z.number().min(0).max(300))
      .default(0)
      .describe('after SIGTERM, /readyz says draining this long while requests are still served'),
    clientsFile: z.string().default('config/clients.json'),
    dataDir: z.string().default('data').describe('working files: demo dump, mail outbox'),
    keysDir: z.string().default('keys'),
    timezone: z
      .string()
      .superRefine(checkedBy(timeZoneProblem))
      .default('Europe/Brussels')
      .describe('decides which calendar day "today" is for enrolments'),
    sessionTtlSeconds: numberSetting(z.number().int().positive()).default(8 * 3600),
    sync: z
      .object({
        mappingFile: z.string().optional(),
        maxEndedShare: numberSetting(z.number().min(0).max(1)).default(0.05),
        minSizeRatio: numberSetting(z.number().min(0).max(1)).default(0.9),
      })
      .strict()
      .default({ maxEndedShare: 0.05, minSizeRatio: 0.9 }),
    privacyLog: z
      .object({
        keyFile: z
          .string()
          .optional()
          .describe('HMAC key of the chain; default <keysDir>/privacy-log.key'),
        flushIntervalMs: numberSetting(z.number().int().min(10).max(10_000)).default(200),
        retentionDays: numberSetting(z.number().int().min(1)).default(12 * 366),
      })
      .strict()
      .default({ flushIntervalMs: 200, retentionDays: 12 * 366 }),
    upstream: upstreamSchema,
    accounts: accountsSchema,
    mail: mailSchema,
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .strict()
  // The node speaks plain HTTP, so an https issuer means a TLS proxy in front. Without
  // trusting its X-Forwarded-Proto, cookies lose Secure and endpoint URLs read http.
  .refine((config) => config.proxyHops > 0 || !/^https:/i.test(config.issuer), {
    message:
      'an https issuer is served through a TLS-terminating proxy; set proxyHops ' +
      '(LEERID_PROXY_HOPS) to the number of proxies in front of the node',
    path: ['proxyHops'],
  })
  // The console transport writes handover and reset links (credentials), names
  // and addresses into the log, which is shipped and kept; a developer's
  // machine is the only place where that is what one wants.
  .refine((config) => config.mail.transport !== 'console' || isLoopbackUrl(config.issuer), {
    message:
      'transport console logs links, names and addresses; it is only for an issuer on ' +
      'this machine (localhost, 127.0.0.1, [::1]); use outbox or smtp',
    path: ['mail', 'transport'],
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<z.output<typeof configSchema>>;
