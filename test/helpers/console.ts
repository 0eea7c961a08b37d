/** An administrator's browser for the console suites, on the protocol-level UserAgent. */
import { UserAgent, type Page } from './user-agent.js';

export interface ConsoleBrowser {
  browser: UserAgent;
  /** The CSRF token of the session, as every console form carries it. */
  csrf: string;
  get(path: string): Promise<Page>;
  /** POSTs a form; `_csrf` is added unless `fields` sets it (or `null` leaves it out). */
  post(
    path: string,
    fields?: Record<string, string | string[] | null>,
    headers?: Record<string, string>,
  ): Promise<Page & { headers: Headers }>;
}

export async function consoleLogin(
  issuer: string,
  username: string,
  password: string,
): Promise<ConsoleBrowser> {
  const browser = new UserAgent('http://127.0.0.1:9/never');
  const login = await browser.open(`${issuer}/beheer/aanmelden`);
  const list = await browser.submit(login, '/beheer/aanmelden/demo', { username, password });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(list.html)?.[1];
  if (!list.url.endsWith('/beheer/leerlingen') || !csrf) {
    throw new Error(`console login failed: ${list.status} ${list.url}`);
  }

  return {
    browser,
    csrf,
    get: (path) => browser.open(`${issuer}${path}`),
    async post(path, fields = {}, headers = {}) {
      const body = new URLSearchParams();
      if (!('_csrf' in fields)) body.set('_csrf', csrf);
      for (const [name, value] of Object.entries(fields)) {
        if (value === null) continue;
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      }
      const response = await fetch(`${issuer}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookieOf(browser, issuer),
          ...headers,
        },
        body: body.toString(),
      });
      const html = Buffer.from(await response.arrayBuffer()).toString('latin1');
      return { url: response.url, status: response.status, html, headers: response.headers };
    },
  };
}

/** The cookies the UserAgent holds for the issuer's host, as a header. */
function cookieOf(browser: UserAgent, issuer: string): string {
  const jar = (browser as unknown as { cookies: Map<string, Map<string, string>> }).cookies;
  const host = jar.get(new URL(issuer).host) ?? new Map<string, string>();
  return [...host].map(([name, value]) => `${name}=${value}`).join('; ');
}
