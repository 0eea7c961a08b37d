/**
 * A lean HTTP client for load generation: keep-alive sockets (raw-http.ts),
 * a cookie jar per simulated browser, and a choice of node per request
 * (client-side round robin), so the load generator spends as little of the
 * shared CPU as it can.
 */
import { rawRequest } from './raw-http.js';

export interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

export class Nodes {
  private next = 0;
  /** The Host header the issuer's URLs imply. */
  readonly host: string;

  /** `issuer` is what URLs say; `ports` are the nodes that may answer. */
  constructor(
    readonly issuer: string,
    private readonly ports: number[],
  ) {
    this.host = new URL(issuer).host;
  }

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
    // Paths and the issuer's own absolute URLs: no URL parsing per request.
    if (!url.startsWith('/') && !url.startsWith(`${this.nodes.issuer}/`)) {
      throw new Error(`not a URL of the issuer: ${url}`);
    }
    const path = url.startsWith('/') ? url : url.slice(this.nodes.issuer.length);
    const headers: Record<string, string> = { host: this.nodes.host, ...init.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();

    const answer = await rawRequest(this.nodes.pick(), {
      method: init.method ?? 'GET',
      path,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
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
