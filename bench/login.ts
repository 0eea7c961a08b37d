/**
 * Full login flows per second against running nodes (the test picks how
 * many; requests are spread over them round robin, step by step).
 */
import type { Nodes } from './lib/http-client.js';
import { loginFlow } from './lib/login-flow.js';
import { drive, type RunResult } from './lib/stats.js';

export async function benchLogins(options: {
  label: string;
  nodes: Nodes;
  usernames: string[];
  seconds: number;
  inFlight: number;
  cpuSeconds: () => number;
  clientId?: string;
}): Promise<RunResult> {
  let next = 0;
  const flow = async () => {
    next = (next + 1) % options.usernames.length;
    const username = options.usernames[next] as string;
    await loginFlow(
      options.nodes,
      username,
      options.clientId ? { clientId: options.clientId } : {},
    );
  };
  await drive(3, options.inFlight, flow);

  const cpuBefore = options.cpuSeconds();
  const run = await drive(options.seconds, options.inFlight, flow);
  const serverCpuSeconds = options.cpuSeconds() - cpuBefore;
  return { label: options.label, ...run, serverCpuSeconds, note: `${options.inFlight} in flight` };
}
