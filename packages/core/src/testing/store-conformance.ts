import { afterAll, beforeAll, describe } from 'vitest';
import type { Store, UserIdKind } from '../ports/store.js';
import { describeOneTimeCodes } from './conformance/one-time-codes.js';
import { describeOneTimeTokens } from './conformance/one-time-tokens.js';
import { describeRefreshTokens } from './conformance/refresh-tokens.js';
import { describeSessions } from './conformance/sessions.js';
import { userIds } from './conformance/support.js';
import { describeUniqueValues } from './conformance/unique-values.js';
import { describeUserIds } from './conformance/user-ids.js';
import { describeUserUpdates } from './conformance/user-updates.js';
import { describeUsers } from './conformance/users.js';

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** Names the suite in the test report, e.g. `kyselyStore on PostgreSQL`. */
  name: string;
  /**
   * Makes the store under test. Called once, before the suite's first test; every test then
   * works on the same store with its own random ids, emails and hashes, so the store need not
   * be emptied between tests (an empty one is still the best start).
   */
  createStore: () => Store | Promise<Store>;
  /** Called once after the suite's last test, with the store `createStore` made (close pools here). */
  teardown?: (store: Store) => void | Promise<void>;
  /**
   * The kind of user ids the suite gives its users (default `'string'`): `'integer'` for a store
   * that assigns them (`userIds: 'integer'`), which then creates every user with `id: null`
   * and must return its id. Every test runs over ids of this kind; run the suite once per kind
   * the store lists in `userIdKinds`.
   */
  userIds?: UserIdKind;
}

/**
 * Registers a vitest suite that checks every contract of the {@link Store} port against one
 * store: lookups and misses, case-insensitive email uniqueness, millisecond Date round-trips,
 * expiry, and the atomic operations under concurrency (single-use consume, short-code checks,
 * conditional user updates, refresh-token rotation, duplicate registration), and unique profile
 * values for a store that sets `enforcesUniqueValues` (skipped otherwise).
 *
 * Call it at the top level of a `*.test.ts` file; it needs `vitest` (an optional peer
 * dependency of `@gatehouse-auth/core`).
 *
 * @throws TypeError when `name` or `createStore` is missing.
 *
 * @example
 * ```ts
 * import { memoryStore } from '@gatehouse-auth/core';
 * import { runStoreConformance } from '@gatehouse-auth/core/testing';
 *
 * // In a *.test.ts file; for a database, create and migrate it in createStore, drop it in teardown.
 * runStoreConformance({ name: 'memoryStore', createStore: () => memoryStore() });
 * // A store that assigns integer user ids (userIds: 'integer'), checked with them:
 * runStoreConformance({ name: 'memoryStore, integer ids', createStore: () => memoryStore(), userIds: 'integer' });
 * ```
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError('runStoreConformance: give a `name` for the suite, e.g. "myStore on PostgreSQL".');
  }
  if (typeof options.createStore !== 'function') {
    throw new TypeError('runStoreConformance: give `createStore`, a function that returns the Store to test.');
  }
  const kind = options.userIds ?? 'string';
  if (kind !== 'string' && kind !== 'integer') {
    throw new TypeError(`runStoreConformance: \`userIds\` must be 'string' or 'integer' (got ${JSON.stringify(kind)}).`);
  }
  const ids = userIds(kind);

  describe(`Store conformance: ${options.name}`, () => {
    let current: Store | undefined;
    beforeAll(async () => {
      current = await options.createStore();
    });
    afterAll(async () => {
      if (current !== undefined) await options.teardown?.(current);
    });
    function store(): Store {
      if (current === undefined) throw new Error('createStore did not give a store');
      return current;
    }

    // One file per topic, under ./conformance/; each registers its own describe block.
    describeUsers(store, ids);
    describeUserIds(store, ids);
    describeUserUpdates(store, ids);
    describeUniqueValues(store, ids);
    describeSessions(store, ids);
    describeRefreshTokens(store, ids);
    describeOneTimeTokens(store, ids);
    describeOneTimeCodes(store, ids);
  });
}
