/**
 * The Prometheus metrics of a LeerID process, on one registry served at
 * /metrics. Metric objects live for the process, so that several apps in
 * one process (tests) share them instead of registering twice.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'leerid_' });

const registers = [registry];

export const loginsTotal = new Counter({
  name: 'leerid_logins_total',
  help: 'Login attempts by method (password, picture, acm) and outcome',
  labelNames: ['method', 'outcome'] as const,
  registers,
});

export const tokensTotal = new Counter({
  name: 'leerid_tokens_issued_total',
  help: 'Successful token endpoint responses by client and grant type',
  labelNames: ['client', 'grant_type'] as const,
  registers,
});

export const httpDuration = new Histogram({
  name: 'leerid_http_request_duration_seconds',
  help: 'HTTP request latency by route (not by raw path), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

export const dependencyUp = new Gauge({
  name: 'leerid_dependency_up',
  help: '1 when the dependency (database, redis) answered the last probe',
  labelNames: ['dependency'] as const,
  registers,
});

export const syncDuration = new Histogram({
  name: 'leerid_sync_duration_seconds',
  help: 'Discimus sync runs recorded in this process, by outcome',
  labelNames: ['outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers,
});

export const syncChanges = new Counter({
  name: 'leerid_sync_changes_total',
  help: 'Changes applied by Discimus sync runs recorded in this process, by kind',
  labelNames: ['change'] as const,
  registers,
});
