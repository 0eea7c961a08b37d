/**
 * A lean HTTP client for load generation: keep-alive sockets, a cookie jar
 * per simulated browser, and a choice of node per request (client-side
 * round robin), so the load generator spends as little of the shared CPU
 * as it can.
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

export class Nodes {
  private next = 0;

  /** `issuer` is what URLs say; `ports` are the nodes that may answer. */
  constructor(
    readonly issuer: string,
    private readonly ports: number[],
  ) {}

  pick(): number {
    this.next = (this.next + 1) % this.ports.length;
    return this.ports[this.next] as number;
  }
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly nodes: Nodes) {}

  async send(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const target = new URL(url, this.nodes.issuer);
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));

    const answer = await new Promise<Answer & { setCookie: string[] }>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: this.nodes.pick(),
          method: init.method ?? 'GET',
          path: target.pathname + target.search,
          headers: { ...headers, host: target.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location,
              body: Buffer.concat(chunks).toString('utf8'),
              setCookie: res.headers['set-cookie'] ?? [],
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });

    for (const line of answer.setCookie) this.store(line);
    return { status: answer.status, location: answer.location, body: answer.body };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private store(line: string) {
    const end = line.indexOf(';');
    const pair = end < 0 ? line : line.slice(0, end);
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
