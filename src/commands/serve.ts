/**
 * `leerid serve [--demo]`: migrates the store, optionally seeds demo data,
 * and serves the provider until SIGINT or SIGTERM. Then it shuts down in
 * order: report not ready, stop accepting, let in-flight requests finish
 * (up to shutdownGraceSeconds), flush the privacy log and the log, and
 * close Redis and the database.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { closeGracefully } from '../http/graceful-close.js';
import { deleteExpiredPayloads } from '../oidc/sql-adapter.js';
import { createDb, migrateLatest } from '../store/db.js';
import { deleteExpiredKeyValues } from '../store/key-value-sql.js';
import type { DemoLogin } from './demo-seed.js';
import type { DemoAdmin } from '../admin/demo-admin.js';

const CLEANUP_INTERVAL_MS = 15 * 60 * 1000;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } });
  const started = performance.now();
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  await migrateLatest(db);

  // Loaded only for --demo: a production node does not need the generator.
  const demo = values.demo ? await import('./demo-seed.js') : undefined;
  const demoLogins = demo ? await demo.seedDemo(db, config) : [];
  const demoAdmin = demo?.demoAdministrator();
  const app = await createApp({ config, db, ...(demoAdmin ? { demoAdmin } : {}) });
  if (demo) warnDemo(app.logger);

  const server = createServer(app.callback);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));

  const cleanup = setInterval(() => {
    Promise.all([deleteExpiredPayloads(db), deleteExpiredKeyValues(db)]).catch((err) =>
      app.logger.warn({ err }, 'cleanup failed'),
    );
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  const banner = demo ? { password: demo.DEMO_PASSWORD, logins: demoLogins, demoAdmin } : undefined;
  printBanner(config.issuer, app.clients, banner, performance.now() - started);

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  // A second signal cuts the wait for in-flight requests short.
  const impatient = () => server.closeAllConnections();
  process.once('SIGINT', impatient);
  process.once('SIGTERM', impatient);

  app.logger.info({ signal }, 'shutting down: draining');
  app.readiness.drain();
  clearInterval(cleanup);
  const outcome = await closeGracefully(server, config.shutdownGraceSeconds * 1000);

  await app.close();
  await db.destroy();
  app.logger.info({ requests: outcome }, 'shut down');
  await new Promise<void>((resolve) => app.logger.flush(() => resolve()));
  return 0;
}

function warnDemo(logger: { warn(msg: string): void }) {
  logger.warn('demo mode: synthetic pupils with a known password; never use in production');
}

function printBanner(
  issuer: string,
  clients: { client_id: string; client_secret?: string; redirect_uris: string[] }[],
  demo: { password: string; logins: DemoLogin[]; demoAdmin?: DemoAdmin | undefined } | undefined,
  elapsedMs: number,
) {
  const lines = [
    '',
    `LeerID is ready after ${(elapsedMs / 1000).toFixed(1)} s`,
    `  issuer:    ${issuer}`,
    `  discovery: ${issuer}/.well-known/openid-configuration`,
  ];

  const demoClient = clients[0];
  if (demo && demo.logins.length > 0 && demoClient) {
    lines.push(
      `  demo client: client_id=${demoClient.client_id}` +
        (demoClient.client_secret ? ` client_secret=${demoClient.client_secret}` : ' (public)'),
      `               redirect_uri=${demoClient.redirect_uris[0]}`,
      `  demo pupils (password "${demo.password}"):`,
      ...demo.logins.map((login) => `    ${login.username.padEnd(24)} ${login.situation}`),
    );
  }
  if (demo?.demoAdmin) {
    lines.push(
      `  admin console: ${issuer}/beheer (demo only)`,
      `    user ${demo.demoAdmin.username}  password ${demo.demoAdmin.password}` +
        `  school ${demo.demoAdmin.institutions.join(', ')}`,
    );
  }
  console.log(lines.join('\n') + '\n');
}
