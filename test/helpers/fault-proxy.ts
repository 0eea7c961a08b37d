/**
 * A TCP proxy whose connections a test can make silent without closing them,
 * the faults a closed port does not show: pause() holds every byte, on open
 * and new connections, until resume() (a network partition that heals);
 * freeze() makes the open connections drop everything for good while new
 * ones pass (a half-open connection whose peer is gone: no reply, no reset).
 */
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  pause(): void;
  resume(): void;
  freeze(): void;
  /** Connections open now. */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  frozen: boolean;
}

export async function faultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let paused = false;

  const hold = (pair: Pair, holding: boolean) => {
    for (const socket of [pair.client, pair.upstream]) {
      if (holding) socket.pause();
      else socket.resume();
    }
  };

  const server = createServer((client) => {
    const upstream = createConnection(targetPort, targetHost);
    const pair: Pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    // Not pipe(): a paused or frozen pair must not be resumed by backpressure.
    client.on('data', (chunk) => void (pair.frozen || upstream.write(chunk)));
    upstream.on('data', (chunk) => void (pair.frozen || client.write(chunk)));
    if (paused) hold(pair, true);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: (server.address() as { port: number }).port,
    pause() {
      paused = true;
      for (const pair of pairs) hold(pair, true);
    },
    resume() {
      paused = false;
      for (const pair of pairs) if (!pair.frozen) hold(pair, false);
    },
    freeze() {
      // Paused as well, so not even the peer's FIN is seen and answered.
      for (const pair of pairs) {
        pair.frozen = true;
        hold(pair, true);
      }
    },
    connections: () => pairs.size,
    async close() {
      const closed = once(server, 'close');
      server.close();
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await closed;
    },
  };
}
