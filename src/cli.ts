#!/usr/bin/env node
/**
 * The `leerid` command. Each sub-command lives in src/commands/<name>.ts and
 * exports `run(args)`; it is loaded only when asked for, so `leerid sync`
 * does not pay for the HTTP stack.
 */
import { LeerIdError } from './errors/index.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'start the OpenID Connect provider (--demo: seed demo data when empty)',
    load: () => import('./commands/serve.js'),
  },
  sync: {
    summary: 'import a Discimus dump: leerid sync <dump.csv|dump.csv.gz> | --from DIR',
    load: () => import('./commands/sync.js'),
  },
  'demo-data': {
    summary: 'write a synthetic Discimus dump: leerid demo-data --pupils N --out FILE',
    load: () => import('./commands/demo-data.js'),
  },
  audit: {
    summary: 'privacy log: verify | export | report | anchor | purge',
    load: () => import('./commands/audit.js'),
  },
  purge: {
    summary: 'delete accounts idle 3 years and data past 12 years: leerid purge [--dry-run]',
    load: () => import('./commands/purge.js'),
  },
  migrate: {
    summary: 'bring the database schema up to date',
    load: () => import('./commands/migrate.js'),
  },
  keys: {
    summary: 'key files: leerid keys init | list | rotate | retire [--older-than 1d]',
    load: () => import('./commands/keys.js'),
  },
};

interface Command {
  run(args: string[]): Promise<number | void>;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`,
  );
  return ['usage: leerid <command> [options]', '', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const entry = name ? COMMANDS[name] : undefined;
  if (!entry) {
    console.error(usage());
    return name && name !== 'help' ? 2 : 0;
  }
  const command = await entry.load();
  return (await command.run(args)) ?? 0;
}

/**
 * A finished command has nothing left to do: if a connection or timer it
 * failed to release still holds the event loop (a start that failed against
 * a hung database), the process ends anyway after this long.
 */
const EXIT_BACKSTOP_MS = 1000;

function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_BACKSTOP_MS).unref();
}

main(process.argv.slice(2)).then(exitWith, (error: unknown) => {
  if (error instanceof LeerIdError) {
    console.error(`leerid: ${error.code}: ${error.message}`);
    exitWith(1);
    return;
  }
  console.error(error);
  exitWith(70);
});
