/**
 * Runs one sync in a child process for the kill test: prints each phase as
 * it starts, so the parent can SIGKILL it in the middle of the transaction.
 * Usage: node --import tsx sync-child.ts <database-url> <dump>
 */
import { createDb } from '../../src/store/db.js';
import { runSync } from '../../src/sync/index.js';
import { syncOptions } from './sync.js';

const [url, file] = process.argv.slice(2) as [string, string];
const db = createDb(url);
let last = '';
await runSync(db, file, {
  ...syncOptions({ maxEndedShare: 1, minSizeRatio: 0 }),
  onProgress: (event) => {
    if (event.phase === last) return;
    last = event.phase;
    process.stdout.write(`${event.phase}\n`);
  },
});
process.stdout.write('done\n');
await db.destroy();
