/**
 * `leerid sync --from DIR`: the newest complete dump in a directory. A dump
 * is complete when a marker file `<dump>.done` stands next to it, no older
 * than the dump; the export writes the marker only after the dump is closed,
 * so a dump still being written (or copied, or rewritten in place after an
 * earlier marker) is never picked. Names ending .part or .tmp never count.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LeerIdError } from '../errors/index.js';

const DUMP_NAME = /\.csv(\.gz)?$/i;
export const DONE_SUFFIX = '.done';

export async function pickNewestDump(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new LeerIdError('sync.no_dump', `cannot read ${dir}: ${(error as Error).message}`);
  }

  const present = new Set(names);
  const complete = names.filter((name) => DUMP_NAME.test(name) && present.has(name + DONE_SUFFIX));
  if (complete.length === 0) {
    throw new LeerIdError(
      'sync.no_dump',
      `no complete dump in ${dir} (a dump counts once <name>${DONE_SUFFIX} exists)`,
    );
  }

  // A dump removed meanwhile (the export cleaning up), or a dangling link, is passed over.
  const dated = (await Promise.all(complete.map((name) => datedFile(dir, name)))).filter(
    (entry) => entry !== null,
  );
  if (dated.length === 0) {
    throw new LeerIdError(
      'sync.no_dump',
      `no complete dump in ${dir} (markers older than their dumps, or dumps gone meanwhile)`,
    );
  }
  dated.sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name));
  return join(dir, (dated[0] as { name: string }).name);
}

async function datedFile(dir: string, name: string) {
  try {
    const info = await stat(join(dir, name));
    const marker = await stat(join(dir, name + DONE_SUFFIX));
    if (!info.isFile() || marker.mtimeMs < info.mtimeMs) return null;
    return { name, mtime: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
