/**
 * Composition root: from a config and a store to a running provider with
 * LeerID's pages mounted on it.
 */
import type Provider from 'oidc-provider';
import { createCredentialCheck } from './api/credentials.js';
import { createApiMiddleware } from './api/router.js';
import { privacyLogKeyFor } from './audit/key.js';
import type { PrivacyLogWriter } from './audit/writer.js';
import type { Config } from './config/schema.js';
import { availability, watchProviderErrors } from './http/availability.js';
import { createHealthRouter } from './http/health.js';
import { createLogger, type Logger } from './http/logger.js';
import { errorPages, keepProviderErrors, requestLog, securityHeaders } from './http/middleware.js';
import { createReadiness, type Readiness } from './http/readiness.js';
import { countTokens, requestMetrics } from './metrics/http.js';
import { createMetricsRouter } from './metrics/route.js';
import { watchSyncRunLog } from './metrics/sync.js';
import { createAdapterFactory } from './oidc/adapter.js';
import {
  loadRegistrations,
  type ApiCallerRegistration,
  type ClientRegistration,
} from './oidc/clients.js';
import { createInteractionRouter } from './oidc/interactions.js';
import { loadKeys, type KeyMaterial } from './oidc/keys.js';
import { checkClientMetadata, clientMetadataOf, createProvider } from './oidc/provider.js';
import { createServices, type Services } from './services.js';
import { createUpstreamRouter } from './upstream/router.js';
import { createServingDb, type Db } from './store/db.js';
import { closeRedis, connectRedis, createRedis, type Redis } from './store/redis.js';
import type { Clock } from './util/clock.js';
import { createAccountModule, type AccountModule } from './accounts/index.js';
import { createAccountPages } from './accounts/http/account-pages.js';
import { createClassRoutes } from './accounts/http/class-routes.js';
import { createPictureLoginRouter } from './accounts/http/picture-login.js';
import { loadAccountKeys, type AccountKeys } from './accounts/keys.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createAdminConsole } from './admin/index.js';
import type { DemoAdmin } from './admin/demo-admin.js';
import { createDisclosurePage } from './accounts/http/disclosure-page.js';

export interface AppOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Defaults to the platforms registered in config.clientsFile. */
  clients?: ClientRegistration[];
  /** Defaults to the API callers registered in config.clientsFile. */
  apiCallers?: ApiCallerRegistration[];
  /** Check every API response against the OpenAPI document (tests). */
  validateApiResponses?: boolean;
  /** Defaults to the keys from the environment, the key files or config.keysDir. */
  keys?: KeyMaterial;
  logger?: Logger;
  /** Defaults to the key named by the config, made when missing. */
  privacyLogKey?: Buffer;
  /** Replaces the privacy log writer; only benchmarks compare without it. */
  privacyLog?: PrivacyLogWriter;
  /** Defaults to the keys from the environment or config.keysDir, made when missing. */
  accountKeys?: AccountKeys;
  /** Defaults to the transport in config.mail (the outbox folder in the embedded default). */
  mailer?: Mailer;
  /** The demo administrator of the console: only `serve --demo` passes one. */
  demoAdmin?: DemoAdmin;
}

export interface App {
  provider: Provider;
  services: Services;
  /** Account services for the admin console: see src/accounts/admin-service.ts. */
  accounts: AccountModule;
  clients: ClientRegistration[];
  logger: Logger;
  callback: ReturnType<Provider['callback']>;
  readiness: Readiness;
  /** Present when config.redisUrl is set. */
  redis: Redis | undefined;
  /** Flushes buffers; the caller closes the HTTP server and the store. */
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const logger = options.logger ?? createLogger(options.config.logLevel);
  const redis = await openRedis(options.config, logger);
  // Requests wait on PostgreSQL about dependencyTimeoutMs at most; migrations and sync do not.
  const db = createServingDb(options.db, options.config.dependencyTimeoutMs);
  const closeDb = () => (db === options.db ? Promise.resolve() : db.destroy());
  try {
    const app = await assembleApp({ ...options, db }, logger, redis);
    return { ...app, close: () => app.close().then(closeDb) };
  } catch (error) {
    // A start that fails half-way (a bad key, a bad client) must not leave
    // Redis reconnecting and keep the process alive.
    redis?.disconnect();
    await closeDb();
    throw error;
  }
}

async function assembleApp(
  options: AppOptions,
  logger: Logger,
  redis: Redis | undefined,
): Promise<App> {
  const { config, db } = options;
  const services = createServices(config, db, {
    redis,
    privacyLogKey: options.privacyLogKey ?? (await privacyLogKeyFor(db, config)),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.privacyLog ? { privacyLog: options.privacyLog } : {}),
  });
  const registrations = options.clients
    ? { platforms: options.clients, apiCallers: options.apiCallers ?? [] }
    : loadRegistrations(config.clientsFile);
  const clients = registrations.platforms;
  const apiCallers = registrations.apiCallers;
  const keys = options.keys ?? (await loadKeys(config));

  await services.links.replaceConfigLinks(
    [...clients, ...apiCallers].flatMap((client) =>
      client.institutions.map((institutionNumber) => ({
        clientId: client.client_id,
        institutionNumber,
      })),
    ),
    services.clock().getTime(),
  );

  const provider = createProvider({
    services,
    clients,
    apiCallers,
    keys,
    adapter: createAdapterFactory({ db, redis }),
  });
  await checkClientMetadata(provider, clientMetadataOf(clients, apiCallers), config.clientsFile);
  // The provider is LeerID's only koa app. Each proxy appends the address it
  // saw to X-Forwarded-For, so the client is proxyHops from the right; what
  // lies further left is whatever the client sent, and must not key a throttle.
  provider.proxy = config.proxyHops > 0;
  provider.maxIpsCount = config.proxyHops;
  watchProviderErrors(provider);
  keepProviderErrors(provider);
  countTokens(provider);
  watchSyncRunLog(db);

  const readiness = createReadiness({ db, redis, timeoutMs: config.dependencyTimeoutMs });
  await readiness.probe();

  const byId = new Map(clients.map((client) => [client.client_id, client]));
  const accounts = createAccountModule({
    config,
    db,
    clock: services.clock,
    kv: services.kv,
    keys: options.accountKeys ?? loadAccountKeys(config),
    mailer: options.mailer ?? createMailer(config, logger),
    logger,
  });
  const interactions = createInteractionRouter(provider, services, byId, accounts.login);
  provider.use(requestLog(logger));
  provider.use(requestMetrics());
  provider.use(securityHeaders());
  provider.use(availability(readiness, logger));
  provider.use(errorPages(logger));
  provider.use(createHealthRouter(readiness).routes());
  provider.use(createMetricsRouter(config.metricsToken).routes());
  provider.use(
    await createApiMiddleware({
      provider,
      services,
      callers: apiCallers,
      kv: services.kv,
      checkCredentials: createCredentialCheck(accounts.login),
      logger,
      validateResponses: options.validateApiResponses ?? false,
    }),
  );
  // The class grid takes the login page's place on a class device, so it comes first.
  provider.use(createPictureLoginRouter(provider, services, accounts, byId).routes());
  provider.use(interactions.routes());
  provider.use(createAccountPages(accounts).routes());
  provider.use(createClassRoutes(accounts).routes());
  const adminConsole = createAdminConsole({
    services,
    accounts,
    clients,
    logger,
    demoAdmin: options.demoAdmin,
  });
  provider.use(adminConsole.router.routes());
  provider.use(
    createDisclosurePage({
      accounts,
      db,
      privacyLog: services.privacyLog,
      clientName: (id) => byId.get(id)?.client_name ?? id,
    }).routes(),
  );
  provider.use(
    createUpstreamRouter(provider, services, byId, logger, adminConsole.onConsoleLogin).routes(),
  );

  return {
    provider,
    services,
    accounts,
    clients,
    logger,
    callback: provider.callback(),
    readiness,
    redis,
    async close() {
      readiness.stop();
      // Reset e-mails are sent after the answer; let them go out first.
      await accounts.self.drain();
      await services.privacyLog.close();
      if (redis) await closeRedis(redis);
    },
  };
}

/** Redis when configured. Unreachable at start is not fatal: readiness says so. */
async function openRedis(config: Config, logger: Logger): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = createRedis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    commandTimeoutMs: config.dependencyTimeoutMs,
  });
  if (!(await connectRedis(redis))) logger.warn('Redis unreachable at start; retrying');
  return redis;
}
