/**
 * A TCP proxy a test can cut: close() stops listening and drops every
 * connection (as a failed database host or a network split would), open()
 * listens again on the same port.
 */
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const open = async () => {
    server = createServer((client) => {
      const upstream = createConnection(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };

  await open();
  return {
    get port() {
      return port;
    },
    open,
    async close() {
      const closed = server ? once(server, 'close') : Promise.resolve();
      server?.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
