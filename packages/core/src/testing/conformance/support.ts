import { expect } from 'vitest';
import { AuthError } from '../../errors.js';
import type { OneTimeTokenRecord, RefreshTokenRecord, SessionRecord, Store, UserId, UserIdKind, UserRecord } from '../../ports/store.js';
import { at, oneTimeTokenRecord, refreshTokenRecord, sessionRecord, unassignedIntegerId, uniqueId, userRecord } from '../fixtures.js';

// What the topic files of the store conformance suite share.

/** The store under test, once the suite's `beforeAll` has made it. */
export type StoreGetter = () => Store;

/** Parallel calls in the concurrency tests: enough to interleave on a real connection pool. */
export const CONSUMERS = 20;
export const REGISTRANTS = 10;

/**
 * How the suite gives users their ids, as Gatehouse would under one `userIds` option: ids it
 * chooses (`string`), or ids the store assigns (`integer`).
 */
export interface UserIds {
  kind: UserIdKind;
  /** Inserts `user` (its `id` is replaced by `null` for `integer`) and returns it as stored, with its id. */
  create(store: Store, user: UserRecord): Promise<UserRecord>;
  /** An id of this kind that no user has. */
  unknown(): UserId;
}

/** The {@link UserIds} of one kind. */
export function userIds(kind: UserIdKind): UserIds {
  if (kind === 'string') {
    return {
      kind,
      async create(store, user) {
        await store.createUser(user);
        return user;
      },
      unknown: uniqueId,
    };
  }
  return {
    kind,
    async create(store, user) {
      const id: unknown = await store.createUser({ ...user, id: null });
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
        throw new Error(`createUser({ id: null }) must return the id it assigned, a positive safe integer (a number); it returned ${typeof id === 'string' ? JSON.stringify(id) : String(id)}.`);
      }
      return { ...user, id };
    },
    unknown: unassignedIntegerId,
  };
}

/** Rows a test writes to the store before it checks one contract. */
export interface Seeds {
  /** Creates a user with a random email, and an id of the suite's kind. */
  newUser(overrides?: Partial<UserRecord>): Promise<UserRecord>;
  /** Creates a session of `userId` with its first refresh token. */
  newSession(userId: UserId, overrides?: Partial<SessionRecord>): Promise<{ session: SessionRecord; token: RefreshTokenRecord }>;
  /** Creates a 3-try email verification code of `userId`, valid for 10 minutes. */
  newCode(userId: UserId, overrides?: Partial<OneTimeTokenRecord>): Promise<OneTimeTokenRecord>;
}

/** The {@link Seeds} that write to the store under test. */
export function seeds(store: StoreGetter, ids: UserIds): Seeds {
  return {
    async newUser(overrides = {}) {
      return ids.create(store(), userRecord(overrides));
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
