/**
 * LeerID nodes for benchmarks: the real start command in child processes,
 * in production mode, logging at info as production does (the log is read
 * and dropped here), and their CPU time from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface BenchNode {
  port: number;
  child: ChildProcess;
  cpuSeconds(): number;
  /** CPU time of the JavaScript thread alone (not argon2's or the GC's threads). */
  mainThreadCpuSeconds(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** `cwd`: the checkout to run, this one by default (another for a before/after comparison). */
export async function startNode(
  port: number,
  env: Record<string, string>,
  cwd?: string,
): Promise<BenchNode> {
  // BENCH_NODE_ARGS passes flags such as --cpu-prof to the nodes.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli.ts', 'serve'], {
    ...(cwd ? { cwd } : {}),
    env: { ...process.env, NODE_ENV: 'production', LEERID_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      if (output.includes('LeerID is ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`node exited with ${code}:\n${output}`)));
  });
  await ready;

  return {
    port,
    child,
    cpuSeconds: () => processCpuSeconds(child.pid as number),
    mainThreadCpuSeconds: () => processCpuSeconds(child.pid as number, child.pid as number),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** utime + stime of a process, or of one of its threads, in seconds (Linux). */
export function processCpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(`/proc/${pid}${thread ? `/task/${thread}` : ''}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}
