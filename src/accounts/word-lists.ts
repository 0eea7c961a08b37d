/**
 * The bundled lists in assets/accounts: Dutch words for generated passwords
 * and common passwords to refuse. Read once, on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.js';

function readList(name: string): string[] {
  const text = readFileSync(join(PACKAGE_ROOT, 'assets', 'accounts', name), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
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
