/**
 * Child processes for operations tests: LeerID nodes started with the real
 * start command (`leerid serve`), and free loopback ports for them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/util/package-root.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface NodeProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The environment of a node that keeps everything in `dir`: an SQLite
 * database, clients.json, keys and data; no Redis; warnings only.
 */
export function nodeEnvIn(dir: string) {
  return {
    LEERID_DATABASE_URL: `sqlite:${join(dir, 'leerid.sqlite')}`,
    LEERID_REDIS_URL: '',
    LEERID_CLIENTS_FILE: join(dir, 'clients.json'),
    LEERID_KEYS_DIR: join(dir, 'keys'),
    LEERID_DATA_DIR: dir,
    LEERID_LOG_LEVEL: 'warn',
  };
}

/** Starts `leerid serve` with `env` and waits until it prints that it is ready. */
export async function startLeerIdNode(
  port: number,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, LEERID_PORT: String(port), LEERID_HOST: '127.0.0.1', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const exited = once(child, 'exit');
  const node: NodeProcess = {
    child,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };

  await waitFor(
    () => /LeerID is ready/.test(output),
    timeoutMs,
    () => {
      if (child.exitCode !== null)
        throw new Error(`node exited with ${child.exitCode}:\n${output}`);
    },
  );
  return node;
}

/** Polls `condition` every 50 ms; `check` may throw to give up early. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  check: () => void = () => {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    check();
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
