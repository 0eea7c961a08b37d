/**
 * Readiness: whether this node can serve. Probes the database and Redis
 * (each bounded by the dependency timeout) on a timer and whenever a
 * request reports an outage, so requests can be refused at once while a
 * dependency is down and served again as soon as it answers. After SIGTERM
 * the node reports not ready, so the load balancer drains it.
 */
import type { Db } from '../store/db.js';
import type { Redis } from '../store/redis.js';
import { dependencyUp } from '../metrics/registry.js';
import type { Dependency } from './dependency-errors.js';

export interface ReadinessStatus {
  ready: boolean;
  draining: boolean;
  database: boolean;
  redis?: boolean;
}

export interface Readiness {
  /** The last known state, without waiting. */
  status(): ReadinessStatus;
  /** Whether requests can be served (dependencies up; draining still serves). */
  isAvailable(): boolean;
  /** Probes now and returns the fresh state. */
  probe(): Promise<ReadinessStatus>;
  /** A request hit an outage: refuse until the next successful probe. */
  reportFailure(dependency: Dependency): void;
  /** Reports not ready from now on (shutdown). */
  drain(): void;
  stop(): void;
}

export function createReadiness(options: {
  db: Db;
  redis?: Redis | undefined;
  timeoutMs: number;
  intervalMs?: number;
}): Readiness {
  const { db, redis, timeoutMs } = options;
  const up = { database: true, redis: true };
  let draining = false;
  let probing: Promise<ReadinessStatus> | undefined;

  const status = (): ReadinessStatus => ({
    ready: !draining && up.database && (!redis || up.redis),
    draining,
    database: up.database,
    ...(redis ? { redis: up.redis } : {}),
  });

  const probeOnce = async () => {
    const [database, cache] = await Promise.all([
      succeeds(db.raw('select 1'), timeoutMs),
      redis ? succeeds(redis.ping(), timeoutMs) : Promise.resolve(true),
    ]);
    set('database', database);
    if (redis) set('redis', cache);
    return status();
  };

  const set = (dependency: Dependency, value: boolean) => {
    up[dependency] = value;
    dependencyUp.set({ dependency }, value ? 1 : 0);
  };

  // One probe at a time: a burst of failing requests must not pile up probes.
  const probe = () => {
    probing ??= probeOnce().finally(() => {
      probing = undefined;
    });
    return probing;
  };

  const timer = setInterval(() => void probe(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    status,
    isAvailable: () => up.database && (!redis || up.redis),
    probe,
    reportFailure(dependency) {
      set(dependency, false);
      void probe();
    },
    drain() {
      draining = true;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

async function succeeds(work: PromiseLike<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve(work).then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
