/**
 * A minimal browser for protocol tests: keeps cookies per host, follows
 * redirects by hand and stops at the relying party's redirect URI, so the
 * test can hand the callback URL to openid-client.
 */
export interface Page {
  url: string;
  status: number;
  html: string;
}

export class UserAgent {
  private readonly cookies = new Map<string, Map<string, string>>();

  constructor(private readonly stopAt: string) {}

  /** Follows redirects from `url`; returns the last page or the callback URL. */
  async open(url: string, init: RequestInit = {}): Promise<Page> {
    let current = url;
    let request = init;

    for (let hops = 0; hops < 20; hops += 1) {
      if (current.startsWith(this.stopAt)) return { url: current, status: 302, html: '' };

      const response = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: {
          ...(request.headers as Record<string, string>),
          cookie: this.cookieHeader(current),
        },
      });
      this.store(current, response);

      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        request = {};
        continue;
      }
      return { url: current, status: response.status, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the first form on `page` whose action contains `actionPart`. */
  async submit(page: Page, actionPart: string, fields: Record<string, string>): Promise<Page> {
    const action = findFormAction(page.html, actionPart);
    const hidden = [...page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
    const body = new URLSearchParams(hidden.map((m) => [m[1] as string, m[2] as string]));
    for (const [name, value] of Object.entries(fields)) body.set(name, value);

    return this.open(new URL(action, page.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  private cookieHeader(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  private store(url: string, response: Response) {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }
}

export function findFormAction(html: string, actionPart: string): string {
  const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1] as string);
  const action = actions.find((candidate) => candidate.includes(actionPart));
  if (!action) throw new Error(`no form with action containing ${actionPart}`);
  return action.replaceAll('&amp;', '&');
}
