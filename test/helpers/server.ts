/**
 * Starts LeerID on a loopback port chosen by the system. The issuer must name
 * the port, so the socket is opened first and the app attached to it after.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app.js';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/http/logger.js';
import type { PrivacyLogWriter } from '../../src/audit/writer.js';
import type { ApiCallerRegistration, ClientRegistration } from '../../src/oidc/clients.js';
import { generateSigningKeys, type KeyMaterial } from '../../src/oidc/keys.js';
import type { Db } from '../../src/store/db.js';
import { deleteByPrefix, testRedisPrefix, TEST_REDIS_URL } from './redis.js';
import type { Clock } from '../../src/util/clock.js';
import type { DemoAdmin } from '../../src/admin/demo-admin.js';

export interface TestServer {
  app: App;
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

export const TEST_PRIVACY_LOG_KEY = Buffer.alloc(32, 7);

let sharedKeys: Promise<KeyMaterial> | undefined;

export function testKeys(): Promise<KeyMaterial> {
  sharedKeys ??= generateSigningKeys().then((keys) => ({
    jwks: { keys },
    cookieKeys: ['test-cookie-key-0123456789abcdef'],
    generated: true,
  }));
  return sharedKeys;
}

export async function startServer(options: {
  db: Db;
  clients: ClientRegistration[];
  apiCallers?: ApiCallerRegistration[];
  clock?: Clock;
  config?: ConfigInput;
  logger?: Logger;
  privacyLog?: PrivacyLogWriter | undefined;
  /** Defaults to the shared test keys. */
  keys?: KeyMaterial;
  /** The console's demo administrator (as `serve --demo` makes one). */
  demoAdmin?: DemoAdmin;
}): Promise<TestServer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  // With a test Redis configured, the whole suite runs on the Redis adapter.
  const redis = TEST_REDIS_URL
    ? { redisUrl: TEST_REDIS_URL, redisKeyPrefix: testRedisPrefix() }
    : {};
  const config = resolveConfig({ issuer, logLevel: 'silent', ...redis, ...options.config });
  const app = await createApp({
    config,
    db: options.db,
    clients: options.clients,
    apiCallers: options.apiCallers ?? [],
    validateApiResponses: true,
    keys: options.keys ?? (await testKeys()),
    logger: options.logger ?? createLogger('silent'),
    privacyLogKey: TEST_PRIVACY_LOG_KEY,
    ...(options.privacyLog ? { privacyLog: options.privacyLog } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.demoAdmin ? { demoAdmin: options.demoAdmin } : {}),
  });
  server.on('request', app.callback);

  return {
    app,
    issuer,
    server,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      if (app.redis) await deleteByPrefix(app.redis, config.redisKeyPrefix);
      await app.close();
    },
  };
}
