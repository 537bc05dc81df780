import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../ports/rate-limit-store.js';
import { at } from './fixtures.js';

/** Options of {@link runRateLimitStoreConformance}. */
export interface RateLimitStoreConformanceOptions {
  /** Names the suite in the test report, e.g. `redisRateLimitStore`. */
  name: string;
  /**
   * Makes the store under test. Called once, before the suite's first test; every test uses
   * its own random keys, so the store need not be emptied between tests.
   */
  createStore: () => RateLimitStore | Promise<RateLimitStore>;
  /** Called once after the suite's last test, with the store `createStore` made. */
  teardown?: (store: RateLimitStore) => void | Promise<void>;
}

const PARALLEL_HITS = 30;
const MINUTE = 60_000;

function uniqueKey(): string {
  return `conformance:${randomUUID()}`;
}

/**
 * Registers a vitest suite that checks every contract of the {@link RateLimitStore} port:
 * fixed windows that start at the first hit and restart at `resetAt`, `peek` without
 * counting, `reset`, hits made with a `scope` option, and atomic `hit` under
 * {@link PARALLEL_HITS} concurrent calls.
 *
 * Call it at the top level of a `*.test.ts` file; it needs `vitest`.
 *
 * @throws TypeError when `name` or `createStore` is missing.
 *
 * @example
 * ```ts
 * import { memoryRateLimitStore } from '@gatehouse-auth/core';
 * import { runRateLimitStoreConformance } from '@gatehouse-auth/core/testing';
 *
 * runRateLimitStoreConformance({ name: 'memoryRateLimitStore', createStore: () => memoryRateLimitStore() });
 * ```
 */
export function runRateLimitStoreConformance(options: RateLimitStoreConformanceOptions): void {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError('runRateLimitStoreConformance: give a `name` for the suite, e.g. "myRateLimitStore".');
  }
  if (typeof options.createStore !== 'function') {
    throw new TypeError('runRateLimitStoreConformance: give `createStore`, a function that returns the RateLimitStore to test.');
  }

  describe(`RateLimitStore conformance: ${options.name}`, () => {
    let current: RateLimitStore | undefined;
    beforeAll(async () => {
      current = await options.createStore();
    });
    afterAll(async () => {
      if (current !== undefined) await options.teardown?.(current);
    });
    function store(): RateLimitStore {
      if (current === undefined) throw new Error('createStore did not give a store');
      return current;
    }

    it('the first hit starts a window: count 1, resetAt = now + windowMs, to the millisecond', async () => {
      const key = uniqueKey();
      expect(await store().hit(key, MINUTE, at(0))).toEqual({ count: 1, resetAt: at(MINUTE) });
    });

    it('hits inside the window count up and keep the window, whatever windowMs later hits pass', async () => {
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      expect(await store().hit(key, MINUTE, at(1_000))).toEqual({ count: 2, resetAt: at(MINUTE) });
      expect(await store().hit(key, 10 * MINUTE, at(MINUTE - 1))).toEqual({ count: 3, resetAt: at(MINUTE) });
    });

    it('the first hit at resetAt starts a new window with count 1', async () => {
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      await store().hit(key, MINUTE, at(1));
      expect(await store().hit(key, MINUTE, at(MINUTE))).toEqual({ count: 1, resetAt: at(2 * MINUTE) });
      expect(await store().hit(key, MINUTE, at(MINUTE + 5))).toEqual({ count: 2, resetAt: at(2 * MINUTE) });
    });

    it('a hit long after resetAt starts a new window too', async () => {
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      expect(await store().hit(key, MINUTE, at(10 * MINUTE + 7))).toEqual({ count: 1, resetAt: at(11 * MINUTE + 7) });
    });

    it('keys are counted apart', async () => {
      const first = uniqueKey();
      const second = uniqueKey();
      await store().hit(first, MINUTE, at(0));
      await store().hit(first, MINUTE, at(1));
      expect(await store().hit(second, MINUTE, at(2))).toEqual({ count: 1, resetAt: at(MINUTE + 2) });
    });

    it('peek returns the live window without counting a hit', async () => {
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      await store().hit(key, MINUTE, at(1));
      expect(await store().peek(key, at(2))).toEqual({ count: 2, resetAt: at(MINUTE) });
      expect(await store().peek(key, at(3))).toEqual({ count: 2, resetAt: at(MINUTE) });
      expect(await store().hit(key, MINUTE, at(4))).toEqual({ count: 3, resetAt: at(MINUTE) });
    });

    it('peek returns null for an unknown key and once the window has ended (at resetAt)', async () => {
      expect(await store().peek(uniqueKey(), at(0))).toBeNull();
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      expect(await store().peek(key, at(MINUTE - 1))).not.toBeNull();
      expect(await store().peek(key, at(MINUTE))).toBeNull();
    });

    it('reset forgets the key: peek returns null and the next hit counts 1', async () => {
      const key = uniqueKey();
      await store().hit(key, MINUTE, at(0));
      await store().hit(key, MINUTE, at(1));
      await store().reset(key);
      expect(await store().peek(key, at(2))).toBeNull();
      expect(await store().hit(key, MINUTE, at(3))).toEqual({ count: 1, resetAt: at(MINUTE + 3) });
      await store().reset(uniqueKey());
    });

    it('counts hits made with a scope (as Gatehouse makes them) like any other hit', async () => {
      const account = uniqueKey();
      const client = uniqueKey();
      expect(await store().hit(account, MINUTE, at(0), { scope: 'account' })).toEqual({ count: 1, resetAt: at(MINUTE) });
      expect(await store().hit(account, MINUTE, at(1), { scope: 'account' })).toEqual({ count: 2, resetAt: at(MINUTE) });
      expect(await store().hit(client, MINUTE, at(2), { scope: 'client' })).toEqual({ count: 1, resetAt: at(MINUTE + 2) });
      expect(await store().peek(account, at(3))).toEqual({ count: 2, resetAt: at(MINUTE) });
      await store().reset(account);
      expect(await store().peek(account, at(4))).toBeNull();
    });

    it(`is atomic: ${PARALLEL_HITS} concurrent hits on one key return the counts 1..${PARALLEL_HITS}, each exactly once`, async () => {
      const key = uniqueKey();
      const states = await Promise.all(Array.from({ length: PARALLEL_HITS }, (_, index) => store().hit(key, MINUTE, at(index))));
      expect(states.map((state) => state.count).sort((a, b) => a - b)).toEqual(Array.from({ length: PARALLEL_HITS }, (_, index) => index + 1));
      // One window for all of them: it started with the first hit the store counted.
      expect(new Set(states.map((state) => state.resetAt.getTime())).size).toBe(1);
      expect((await store().peek(key, at(PARALLEL_HITS)))?.count).toBe(PARALLEL_HITS);
    });
  });
}
