import type { RateLimitState, RateLimitStore } from '../ports/rate-limit-store.js';

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * Most keys kept at once (default 100,000: about 30 MB with login-sized keys, measured by
   * `bench/micro/memory.mjs`). When full, expired windows are dropped first, then the oldest
   * eighth; memory therefore stays bounded however many distinct keys (IPs, emails) an
   * attacker sends, and a hit costs the same when the store is full.
   */
  maxKeys?: number;
}

interface Bucket {
  count: number;
  resetAt: number;
}

/**
 * Creates an in-process {@link RateLimitStore}: right for one instance; use the Kysely or Redis
 * store when several instances must share their counts.
 *
 * @example
 * ```ts
 * import { memoryRateLimitStore } from '@gatehouse/core';
 * const limits = memoryRateLimitStore({ maxKeys: 50_000 });
 * ```
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError('memoryRateLimitStore: maxKeys must be a positive integer.');
  }
  // Map iteration order is insertion order; a bucket is re-inserted when its window restarts,
  // so the first entries are always the oldest windows.
  const buckets = new Map<string, Bucket>();

  // Called only when the map is full. Drops expired windows from the front, then, if still
  // full, the oldest eighth of the windows in the same pass: evicting in batches keeps a flood
  // of distinct keys at a constant cost per hit instead of one map scan per insert.
  function makeRoom(now: number): void {
    let evict = buckets.size >= maxKeys ? Math.max(1, maxKeys >> 3) : 0;
    for (const [key, bucket] of buckets) {
      if (evict <= 0 && bucket.resetAt > now) break;
      buckets.delete(key);
      evict -= 1;
    }
  }

  function state(bucket: Bucket): RateLimitState {
    return { count: bucket.count, resetAt: new Date(bucket.resetAt) };
  }

  return {
    async hit(key, windowMs, now) {
      const time = now.getTime();
      const bucket = buckets.get(key);
      if (bucket && bucket.resetAt > time) {
        bucket.count += 1;
        return state(bucket);
      }
      buckets.delete(key);
      if (buckets.size >= maxKeys) makeRoom(time);
      const fresh = { count: 1, resetAt: time + windowMs };
      buckets.set(key, fresh);
      return state(fresh);
    },

    async peek(key, now) {
      const bucket = buckets.get(key);
      return bucket && bucket.resetAt > now.getTime() ? state(bucket) : null;
    },

    async reset(key) {
      buckets.delete(key);
    },
  };
}
