/**
 * One full login as a pupil's browser and a platform's back end do it:
 * authorize -> login page -> password form (argon2id) -> redirect with code
 * -> code for tokens at the token endpoint. A fresh browser each time, as
 * on a Monday morning with many pupils.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BENCH_CLIENT, BENCH_PASSWORD } from './dataset.js';
import { Browser, type Nodes } from './http-client.js';

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token?: string;
}

const FORM = 'application/x-www-form-urlencoded';

export async function loginFlow(
  nodes: Nodes,
  username: string,
  options: { offline?: boolean; clientId?: string } = {},
): Promise<Tokens> {
  const clientId = options.clientId ?? BENCH_CLIENT.client_id;
  const browser = new Browser(nodes);
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: options.offline ? 'openid profile leerid offline_access' : 'openid profile leerid',
    redirect_uri: BENCH_CLIENT.redirect_uri,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.offline ? { prompt: 'consent' } : {}),
  });

  let answer = await browser.send(`/auth?${query}`);
  let loggedIn = false;
  for (let hops = 0; hops < 10; hops += 1) {
    if (answer.location?.startsWith(BENCH_CLIENT.redirect_uri)) break;
    if (answer.location) {
      answer = await browser.send(answer.location);
      continue;
    }
    if (answer.status !== 200 || loggedIn) throw new Error(`unexpected ${answer.status}`);
    answer = await submitLogin(browser, answer.body, username);
    loggedIn = true;
  }

  const code = new URL(answer.location as string).searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.location}`);
  const token = await browser.send('/token', {
    method: 'POST',
    headers: { authorization: basic(clientId), 'content-type': FORM },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: BENCH_CLIENT.redirect_uri,
      code_verifier: verifier,
    }).toString(),
  });
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}`);
  return JSON.parse(token.body) as Tokens;
}

export async function refreshGrant(
  nodes: Nodes,
  refreshToken: string,
  clientId = BENCH_CLIENT.client_id,
): Promise<void> {
  const answer = await new Browser(nodes).send('/token', {
    method: 'POST',
    headers: { authorization: basic(clientId), 'content-type': FORM },
    body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
  });
  if (answer.status !== 200) throw new Error(`refresh answered ${answer.status}: ${answer.body}`);
}

/** The bench platforms share one secret. */
function basic(clientId: string): string {
  return `Basic ${Buffer.from(`${clientId}:${BENCH_CLIENT.client_secret}`).toString('base64')}`;
}

function submitLogin(browser: Browser, html: string, username: string) {
  const action = /<form method="post" action="([^"]*\/login)"/.exec(html)?.[1];
  if (!action) throw new Error('no login form');
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form.set(match[1] as string, match[2] as string);
  }
  form.set('username', username);
  form.set('password', BENCH_PASSWORD);
  return browser.send(action.replaceAll('&amp;', '&'), {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: form.toString(),
  });
}
