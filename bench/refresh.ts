/**
 * Refresh-token grants per second: a pool of refresh tokens from real
 * logins, exchanged again and again (confidential clients keep theirs), each
 * grant issuing a new access token and a freshly enriched, signed ID token.
 */
import type { Nodes } from './lib/http-client.js';
import { loginFlow, refreshGrant } from './lib/login-flow.js';
import { drive, type RunResult } from './lib/stats.js';

export async function benchRefresh(options: {
  nodes: Nodes;
  usernames: string[];
  seconds: number;
  inFlight: number;
  cpuSeconds: () => number;
  clientId: string;
  label: string;
}): Promise<RunResult> {
  const pool: string[] = [];
  for (const username of options.usernames.slice(0, 50)) {
    const offline = { offline: true, clientId: options.clientId };
    const tokens = await loginFlow(options.nodes, username, offline);
    if (!tokens.refresh_token) throw new Error('no refresh token');
    pool.push(tokens.refresh_token);
  }

  let next = 0;
  const grant = async () => {
    next = (next + 1) % pool.length;
    await refreshGrant(options.nodes, pool[next] as string, options.clientId);
  };
  await drive(3, options.inFlight, grant);

  const cpuBefore = options.cpuSeconds();
  const run = await drive(options.seconds, options.inFlight, grant);
  const serverCpuSeconds = options.cpuSeconds() - cpuBefore;
  return {
    label: options.label,
    ...run,
    serverCpuSeconds,
    note: `${options.inFlight} in flight`,
  };
}
