/**
 * `leerid serve [--demo]`: migrates the store, optionally seeds demo data,
 * and serves the provider until SIGINT or SIGTERM.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { deleteExpiredPayloads } from '../oidc/sql-adapter.js';
import { createDb, migrateLatest } from '../store/db.js';
import { DEMO_PASSWORD, seedDemo, type DemoLogin } from './demo-seed.js';

const CLEANUP_INTERVAL_MS = 15 * 60 * 1000;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } });
  const started = performance.now();
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  await migrateLatest(db);

  const demoLogins = values.demo ? await seedDemo(db, config) : [];
  const app = await createApp({ config, db });
  if (values.demo) warnDemo(app.logger);

  const server = createServer(app.callback);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));

  const cleanup = setInterval(() => {
    deleteExpiredPayloads(db).catch((err) => app.logger.warn({ err }, 'cleanup failed'));
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  printBanner(config.issuer, app.clients, demoLogins, performance.now() - started);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  app.logger.info('shutting down');
  clearInterval(cleanup);
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
  await db.destroy();
  return 0;
}

function warnDemo(logger: { warn(msg: string): void }) {
  logger.warn('demo mode: synthetic pupils with a known password; never use in production');
}

function printBanner(
  issuer: string,
  clients: { client_id: string; client_secret?: string; redirect_uris: string[] }[],
  demoLogins: DemoLogin[],
  elapsedMs: number,
) {
  const lines = [
    '',
    `LeerID is ready after ${(elapsedMs / 1000).toFixed(1)} s`,
    `  issuer:    ${issuer}`,
    `  discovery: ${issuer}/.well-known/openid-configuration`,
  ];

  const demoClient = clients[0];
  if (demoLogins.length > 0 && demoClient) {
    lines.push(
      `  demo client: client_id=${demoClient.client_id}` +
        (demoClient.client_secret ? ` client_secret=${demoClient.client_secret}` : ' (public)'),
      `               redirect_uri=${demoClient.redirect_uris[0]}`,
      `  demo pupils (password "${DEMO_PASSWORD}"):`,
      ...demoLogins.map((login) => `    ${login.username.padEnd(24)} ${login.situation}`),
    );
  }
  console.log(lines.join('\n') + '\n');
}
