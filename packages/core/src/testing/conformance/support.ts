import { expect } from 'vitest';
import { AuthError } from '../../errors.js';
import type { OneTimeTokenRecord, RefreshTokenRecord, SessionRecord, Store, UserRecord } from '../../ports/store.js';
import { at, oneTimeTokenRecord, refreshTokenRecord, sessionRecord, userRecord } from '../fixtures.js';

// What the topic files of the store conformance suite share.

/** The store under test, once the suite's `beforeAll` has made it. */
export type StoreGetter = () => Store;

/** Parallel calls in the concurrency tests: enough to interleave on a real connection pool. */
export const CONSUMERS = 20;
export const REGISTRANTS = 10;

/** Rows a test writes to the store before it checks one contract. */
export interface Seeds {
  /** Creates a user with random id and email. */
  newUser(overrides?: Partial<UserRecord>): Promise<UserRecord>;
  /** Creates a session of `userId` with its first refresh token. */
  newSession(userId: string, overrides?: Partial<SessionRecord>): Promise<{ session: SessionRecord; token: RefreshTokenRecord }>;
  /** Creates a 3-try email verification code of `userId`, valid for 10 minutes. */
  newCode(userId: string, overrides?: Partial<OneTimeTokenRecord>): Promise<OneTimeTokenRecord>;
}

/** The {@link Seeds} that write to the store under test. */
export function seeds(store: StoreGetter): Seeds {
  return {
    async newUser(overrides = {}) {
      const user = userRecord(overrides);
      await store().createUser(user);
      return user;
    },
    async newSession(userId, overrides = {}) {
      const session = sessionRecord(userId, overrides);
      const token = refreshTokenRecord(session.id, { issuedAt: session.createdAt });
      await store().createSession(session, token);
      return { session, token };
    },
    async newCode(userId, overrides = {}) {
      const token = oneTimeTokenRecord(userId, { purpose: 'email-verification-code', attemptsLeft: 3, expiresAt: at(600_000), ...overrides });
      await store().createOneTimeToken(token);
      return token;
    },
  };
}

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
