/**
 * The LeerIdError a call throws, for tests that check its code or message.
 * Any other error is thrown on, so the test fails on it rather than on a
 * wrong code. The errorOf pair fails the test when nothing is thrown; the
 * codeOf pair answers undefined then, so `.to.equal(undefined)` reads
 * "accepted".
 */
import { expect } from 'chai';
import { LeerIdError } from '../../src/errors/index.js';

type Pending = Promise<unknown> | (() => Promise<unknown>);

function leerIdError(error: unknown): LeerIdError {
  if (error instanceof LeerIdError) return error;
  throw error;
}

function thrownBy(work: () => unknown): LeerIdError | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return leerIdError(error);
  }
}

async function rejectionOf(pending: Pending): Promise<LeerIdError | undefined> {
  try {
    await (typeof pending === 'function' ? pending() : pending);
    return undefined;
  } catch (error) {
    return leerIdError(error);
  }
}

/** The LeerIdError `work` throws; `message` fails the test when it throws none. */
export function errorOf(work: () => unknown, message = 'nothing was thrown'): LeerIdError {
  return thrownBy(work) ?? expect.fail(message);
}

/** The LeerIdError `pending` rejects with; `message` fails the test when it resolves. */
export async function asyncErrorOf(
  pending: Pending,
  message = 'the promise resolved',
): Promise<LeerIdError> {
  return (await rejectionOf(pending)) ?? expect.fail(message);
}

/** The code of the LeerIdError `work` throws, or undefined when it throws none. */
export function codeOf(work: () => unknown): string | undefined {
  return thrownBy(work)?.code;
}

/** The code of the LeerIdError `pending` rejects with, or undefined when it resolves. */
export async function asyncCodeOf(pending: Pending): Promise<string | undefined> {
  return (await rejectionOf(pending))?.code;
}
