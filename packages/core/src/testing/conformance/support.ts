import { expect } from 'vitest';
import { AuthError } from '../../errors.js';
import type { Store } from '../../ports/store.js';

// What the topic files of the store conformance suite share.

/** The store under test, once the suite's `beforeAll` has made it. */
export type StoreGetter = () => Store;

/** The error a call rejected with; fails the test when it resolved instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject, but it resolved');
}

export function expectEmailTaken(error: unknown): void {
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('EMAIL_TAKEN');
}
