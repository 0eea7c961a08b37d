/**
 * Composition root: from a config and a store to a running provider with
 * LeerID's pages mounted on it.
 */
import type Provider from 'oidc-provider';
import { loadPrivacyLogKey } from './audit/key.js';
import type { PrivacyLogWriter } from './audit/writer.js';
import type { Config } from './config/schema.js';
import { createHealthRouter } from './http/health.js';
import { createLogger, type Logger } from './http/logger.js';
import { errorPages, requestLog, securityHeaders } from './http/middleware.js';
import { loadClients, type ClientRegistration } from './oidc/clients.js';
import { createInteractionRouter } from './oidc/interactions.js';
import { loadOrCreateKeys, type KeyMaterial } from './oidc/keys.js';
import { createProvider } from './oidc/provider.js';
import { createSqlAdapterFactory } from './oidc/sql-adapter.js';
import { createServices, type Services } from './services.js';
import { createUpstreamRouter } from './upstream/router.js';
import type { Db } from './store/db.js';
import type { Clock } from './util/clock.js';

export interface AppOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Defaults to the registrations in config.clientsFile. */
  clients?: ClientRegistration[];
  /** Defaults to the keys in config.keysDir, made when missing. */
  keys?: KeyMaterial;
  logger?: Logger;
  /** Defaults to the key named by the config, made when missing. */
  privacyLogKey?: Buffer;
  /** Replaces the privacy log writer; only benchmarks compare without it. */
  privacyLog?: PrivacyLogWriter;
}

export interface App {
  provider: Provider;
  services: Services;
  clients: ClientRegistration[];
  logger: Logger;
  callback: ReturnType<Provider['callback']>;
  /** Flushes buffers; the caller closes the HTTP server and the store. */
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, db } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const services = createServices(config, db, {
    privacyLogKey: options.privacyLogKey ?? loadPrivacyLogKey(config),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.privacyLog ? { privacyLog: options.privacyLog } : {}),
  });
  const clients = options.clients ?? loadClients(config.clientsFile);
  const keys = options.keys ?? (await loadOrCreateKeys(config.keysDir));

  await services.links.replaceConfigLinks(
    clients.flatMap((client) =>
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
    keys,
    adapter: createSqlAdapterFactory(db),
  });
  provider.proxy = new URL(config.issuer).protocol === 'https:';

  const byId = new Map(clients.map((client) => [client.client_id, client]));
  const interactions = createInteractionRouter(provider, services, byId);
  provider.use(requestLog(logger));
  provider.use(securityHeaders());
  provider.use(errorPages(logger));
  provider.use(createHealthRouter(db).routes());
  provider.use(interactions.routes());
  provider.use(createUpstreamRouter(provider, services, byId, logger).routes());

  return {
    provider,
    services,
    clients,
    logger,
    callback: provider.callback(),
    close: () => services.privacyLog.close(),
  };
}
