/**
 * `leerid serve [--demo]`: migrates the store, optionally seeds demo data,
 * and serves the provider until SIGINT or SIGTERM.
 *
 * A start that fails at any step releases what it opened (database, Redis)
 * before the error reaches the one-line report in src/cli.ts, so the process
 * ends at once. Shutdown goes in order: report not ready, keep serving for
 * shutdownDelaySeconds, stop accepting, let in-flight requests finish (up to
 * shutdownGraceSeconds), wait for handlers whose connection was cut, flush
 * the privacy log, close Redis and the database. Whatever still hangs then
 * (a stalled database) is given FLUSH_ALLOWANCE_MS; after that, or at a
 * second signal, the process logs what it leaves unwritten and exits 1.
 */
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { createApp, type App } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { dependencyOf } from '../http/dependency-errors.js';
import { closeGracefully, trackRequests, type RequestTracker } from '../http/graceful-close.js';
import { createLogger, errorSummary, type Logger } from '../http/logger.js';
import type { ReadinessStatus } from '../http/readiness.js';
import { deleteExpiredPayloads } from '../oidc/sql-adapter.js';
import { createDb, migrateLatest, type Db } from '../store/db.js';
import { deleteExpiredKeyValues } from '../store/key-value-sql.js';
import type { DemoLogin } from './demo-seed.js';
import type { DemoAdmin } from '../admin/demo-admin.js';

const CLEANUP_INTERVAL_MS = 15 * 60 * 1000;
/** After the grace period: time left to flush the privacy log and close Redis and the database. */
export const FLUSH_ALLOWANCE_MS = 5000;
/** A failed start waits this long at most for the database and Redis to close. */
const RELEASE_MS = 1000;

interface DemoBanner {
  password: string;
  logins: DemoLogin[];
  demoAdmin?: DemoAdmin | undefined;
}

interface RunningNode {
  db: Db;
  app: App;
  server: Server;
  requests: RequestTracker;
  demo: DemoBanner | undefined;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } });
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const node = await start(config, logger, values.demo);

  const cleanup = setInterval(() => {
    Promise.all([deleteExpiredPayloads(node.db), deleteExpiredKeyValues(node.db)]).catch((err) =>
      logger.warn({ err }, 'cleanup failed'),
    );
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();

  // Listening for signals before the banner: whoever waits for it may stop the node at once.
  let onRepeatedSignal = (_signal: string) => {};
  const signalled = new Promise<string>((resolve) => {
    let received = false;
    const onSignal = (name: string) => {
      if (received) return onRepeatedSignal(name);
      received = true;
      resolve(name);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  const elapsedMs = performance.now() - started;
  printBanner(config.issuer, node.app.clients, node.demo, node.app.readiness.status(), elapsedMs);
  const signal = await signalled;
  clearInterval(cleanup);
  return shutdown(node, config, logger, signal, (abandon) => {
    onRepeatedSignal = (name) => abandon(`second ${name}`);
  });
}

async function start(config: Config, logger: Logger, withDemo: boolean): Promise<RunningNode> {
  let db: Db | undefined;
  let app: App | undefined;
  try {
    db = createDb(config.databaseUrl);
    logDriverWarnings(db, logger);
    await migrateLatest(db);

    // Loaded only for --demo: a production node does not need the generator.
    const demo = withDemo ? await import('./demo-seed.js') : undefined;
    const demoLogins = demo ? await demo.seedDemo(db, config) : [];
    const demoAdmin = demo?.demoAdministrator();
    app = await createApp({ config, db, logger, ...(demoAdmin ? { demoAdmin } : {}) });
    if (demo) warnDemo(logger);

    const requests = trackRequests(app.callback);
    const server = createServer(requests.handle);
    server.keepAliveTimeout = 65_000;
    await listen(server, config);

    const banner = demo
      ? { password: demo.DEMO_PASSWORD, logins: demoLogins, demoAdmin }
      : undefined;
    return { db, app, server, requests, demo: banner };
  } catch (error) {
    await releaseAfterFailedStart(db, app);
    throw startError(error, config);
  }
}

/**
 * knex prints each failed connection attempt with its stack on stdout, in
 * the middle of the JSON log: make it one log line. (Its home would be
 * createDb, which has no logger.)
 */
function logDriverWarnings(db: Db, logger: Logger): void {
  (db.client as Knex.Client).logger.warn = (message: unknown) =>
    logger.warn({ detail: String(message).split('\n')[0] }, 'database driver warning');
}

/** Nothing was served yet: close what is open, but never wait long on a hung dependency. */
async function releaseAfterFailedStart(db: Db | undefined, app: App | undefined): Promise<void> {
  const release = async () => {
    await app?.close();
    await db?.destroy();
  };
  await Promise.race([
    release().catch(() => undefined),
    sleep(RELEASE_MS, undefined, { ref: false }),
  ]);
}

/** A database that cannot be reached is a clear one-line error, not a driver's stack trace. */
function startError(error: unknown, config: Config): unknown {
  if (error instanceof LeerIdError) return error;
  const err = error as { code?: unknown; message?: unknown };
  const code = String(err.code ?? '');
  // SQLSTATE 28 (authentication) and 3D (no such database) are set-up errors as well.
  if (dependencyOf(error) !== 'database' && !/^(28|3D|SQLITE_CANTOPEN)/.test(code)) return error;

  const message = String(err.message ?? '') || code;
  return new LeerIdError(
    'store.unavailable',
    `the database at ${databaseTarget(config.databaseUrl)} (databaseUrl, LEERID_DATABASE_URL) ` +
      `cannot be used: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    { cause: error },
  );
}

/** host:port/database of a PostgreSQL URL, the file of a SQLite one; never the password. */
export function databaseTarget(databaseUrl: string): string {
  if (!/^postgres(ql)?:/.test(databaseUrl)) return databaseUrl.replace(/^sqlite:/, '');
  try {
    const url = new URL(databaseUrl);
    const host = url.searchParams.get('host') ?? `${url.hostname}:${url.port || '5432'}`;
    return `${host}/${decodeURIComponent(url.pathname.slice(1))}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}

async function listen(server: Server, config: Config): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: { code?: string; message?: string }) => {
    throw new LeerIdError(
      'config.invalid',
      `host, port (LEERID_HOST, LEERID_PORT): cannot listen on ${config.host}:${config.port}: ` +
        `${error.code ?? error.message}`,
      { cause: error },
    );
  });
}

async function shutdown(
  node: RunningNode,
  config: Config,
  logger: Logger,
  signal: string,
  onRepeatedSignal: (abandon: (reason: string) => void) => void,
): Promise<number> {
  const { db, app, server, requests } = node;
  const delayMs = config.shutdownDelaySeconds * 1000;
  const graceMs = config.shutdownGraceSeconds * 1000;
  let waitingFor = 'shutdown delay';

  // What is left undone, in counts: never the entries or requests themselves.
  const unfinished = () => ({
    waitingFor,
    requestsRunning: requests.running(),
    privacyLogUnwritten: app.services.privacyLog.pending(),
  });
  // The last resort when a dependency hangs.
  const abandon = (reason: string) => {
    logger.error({ reason, ...unfinished() }, 'shutdown cut short: exiting with work unfinished');
    process.exit(1);
  };
  const limitMs = delayMs + graceMs + FLUSH_ALLOWANCE_MS;
  const deadline = setTimeout(
    () => abandon(`not done ${limitMs / 1000} s after ${signal}`),
    limitMs,
  );
  onRepeatedSignal(abandon);

  logger.info({ signal, delaySeconds: delayMs / 1000 }, 'shutting down: draining');
  app.readiness.drain();
  requests.drain();
  // Load balancers and Kubernetes endpoints take a moment to see /readyz say
  // 503; until then new requests still arrive and are served.
  if (delayMs > 0) await sleep(delayMs);

  waitingFor = 'requests in flight';
  const outcome = await closeGracefully(server, graceMs);
  let code = 0;
  try {
    // A cut connection's handler runs on until its database or Redis call
    // returns; closing Redis under it would pass for a Redis outage.
    waitingFor = 'handlers of cut requests';
    await requests.settled();
    waitingFor = 'privacy log and Redis';
    await app.close();
    waitingFor = 'database';
    await db.destroy();
    logger.info({ requests: outcome }, 'shut down');
  } catch (error) {
    // A write the database refused: what was lost is counted, then the process ends.
    logger.error({ ...unfinished(), error: errorSummary(error) }, 'shutdown failed');
    code = 1;
  }
  clearTimeout(deadline);
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  return code;
}

function warnDemo(logger: { warn(msg: string): void }) {
  logger.warn('demo mode: synthetic pupils with a known password; never use in production');
}

function printBanner(
  issuer: string,
  clients: { client_id: string; client_secret?: string; redirect_uris: string[] }[],
  demo: DemoBanner | undefined,
  readiness: ReadinessStatus,
  elapsedMs: number,
) {
  const seconds = (elapsedMs / 1000).toFixed(1);
  const down = (['database', 'redis'] as const).filter((name) => readiness[name] === false);
  const lines = [
    '',
    readiness.ready
      ? `LeerID is ready after ${seconds} s`
      : `LeerID is listening after ${seconds} s, not ready: ${down.join(', ')} unreachable`,
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
