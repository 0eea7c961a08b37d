/** Rates and latency percentiles of a benchmark run, and how to print them. */
import { cpus, loadavg } from 'node:os';

export interface RunResult {
  label: string;
  count: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU seconds the server processes used during the run, when measured. */
  serverCpuSeconds?: number;
  note?: string;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] as number;
}

export function summarize(result: RunResult) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    rate: result.count / result.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    perCpuSecond: result.serverCpuSeconds ? result.count / result.serverCpuSeconds : undefined,
  };
}

export function machine(): string {
  const [one, five] = loadavg();
  return (
    `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ` +
    `load average ${one?.toFixed(2)} / ${five?.toFixed(2)} (1 / 5 min)`
  );
}

export function formatRow(result: RunResult): string {
  const s = summarize(result);
  const perCpu = s.perCpuSecond ? s.perCpuSecond.toFixed(0) : '-';
  return (
    `| ${result.label} | ${s.rate.toFixed(1)} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ` +
    `${perCpu} | ${result.errors} | ${result.note ?? ''} |`
  );
}

export const TABLE_HEADER = [
  '| measurement | per second | p50 | p95 | p99 | per server CPU-second | errors | notes |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];

function ms(value: number): string {
  return Number.isNaN(value) ? '-' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs `task` from `workers` loops until `seconds` have passed; times each call. */
export async function drive(
  seconds: number,
  workers: number,
  task: (worker: number) => Promise<void>,
): Promise<Omit<RunResult, 'label'>> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  const deadline = started + seconds * 1000;

  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await task(worker);
          latenciesMs.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= error;
        }
      }
    }),
  );
  if (firstError) log(`  first error: ${(firstError as Error).message}`);
  return {
    count: latenciesMs.length,
    errors,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}
