/**
 * A test-side load balancer: one public address (the issuer) in front of
 * several LeerID nodes; the test picks which node serves the next request,
 * and every request is recorded with the node that served it.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';

export interface Balancer {
  url: string;
  /** The port of the node that serves the following requests. */
  target: number;
  served: { port: number; method: string; path: string }[];
  close(): Promise<void>;
}

export async function balancer(port: number, firstTarget: number): Promise<Balancer> {
  const state: Balancer = {
    url: `http://127.0.0.1:${port}`,
    target: firstTarget,
    served: [],
    close: async () => {},
  };

  const server: Server = createServer((incoming, outgoing) => {
    const target = state.target;
    state.served.push({ port: target, method: incoming.method ?? 'GET', path: incoming.url ?? '' });
    const forward = request(
      {
        host: '127.0.0.1',
        port: target,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forward);
  });

  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  state.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return state;
}
