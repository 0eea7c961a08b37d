/**
 * The bundled lists in assets/accounts: Dutch words for generated passwords
 * and common passwords to refuse. Read once; the account module reads them
 * at start, so an installation without them fails there and not at the
 * first new account.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LeerIdError } from '../errors/index.js';
import { PACKAGE_ROOT } from '../util/package-root.js';

function readList(name: string): string[] {
  const file = join(PACKAGE_ROOT, 'assets', 'accounts', name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LeerIdError('account.asset_missing', `cannot read the bundled list ${file}`, {
      cause: error,
    });
  }
  const list = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (list.length === 0) {
    throw new LeerIdError('account.asset_missing', `the bundled list ${file} is empty`);
  }
  return list;
}

let words: readonly string[] | undefined;
let common: ReadonlySet<string> | undefined;

export function dutchWords(): readonly string[] {
  words ??= readList('words-nl.txt');
  return words;
}

export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(readList('common-passwords.txt'));
  return common;
}
