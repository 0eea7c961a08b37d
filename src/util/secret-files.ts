/**
 * Key files: owner-only, always written whole (a reader never sees half a
 * key), and every failure a LeerIdError naming the file, not an errno trace.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LeerIdError } from '../errors/index.js';

/**
 * Reads a key file. `label` names it as the operator set it (file and
 * setting); `hint` says how to make a missing one.
 */
export function readSecretFile(file: string, label = file, hint = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = errnoOf(error);
    // ENOTDIR: a part of the path is a file (/dev/null/x): no key there either.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LeerIdError('keys.missing', `${label}: no such file${hint}`);
    }
    throw new LeerIdError('keys.invalid', `${label}: cannot be read (${code})`);
  }
}

/** Replaces a key file in one step (rotation). */
export function replaceSecretFile(file: string, text: string, label = file): void {
  const temporary = writeTemporary(file, text, label);
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw notWritable(label, error);
  }
}

/**
 * Makes a key file unless one is there. Nodes sharing a keys folder may start
 * together: link() fails when another node made the file first, and then its
 * key is the one to use, so every node ends up with the same key.
 * Answers whether this call made the file.
 */
export function createSecretFile(file: string, text: string, label = file): boolean {
  const temporary = writeTemporary(file, text, label);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw notWritable(label, error);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function writeTemporary(file: string, text: string, label: string): string {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    // mkdir through a file answers EEXIST (/dev/null) or ENOTDIR (/dev/null/x).
    const code = errnoOf(error);
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'part of the path is not a folder' : code;
    throw new LeerIdError('keys.not_writable', `${label}: cannot make its folder (${why})`, {
      cause: error,
    });
  }
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
  } catch (error) {
    throw notWritable(label, error);
  }
  return temporary;
}

function notWritable(label: string, error: unknown): LeerIdError {
  return new LeerIdError('keys.not_writable', `${label}: cannot be written (${errnoOf(error)})`, {
    cause: error,
  });
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
