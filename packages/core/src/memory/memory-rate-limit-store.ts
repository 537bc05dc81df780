import type { Logger } from '../ports/logger.js';
import type { RateLimitHitOptions, RateLimitState, RateLimitStore } from '../ports/rate-limit-store.js';

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * Most keys kept at once (default 100,000: about 30 MB with login-sized keys, measured by
   * `bench/micro/memory.mjs`), so memory stays bounded however many distinct keys (IPs,
   * emails) an attacker sends, and a hit costs about the same when the store is full.
   *
   * When a new window does not fit, ended windows are dropped first, then the oldest live
   * windows of client addresses (hits made with `scope: 'client'` or without a scope), one for
   * each new window. A live window of an account (a login limit, a lockout: hits made with
   * `scope: 'account'`) is never dropped, since that would hand out fresh password guesses.
   * Account windows may fill at most seven eighths of the store, so client addresses keep
   * being counted; once account windows fill their share, a hit on a new account key is not
   * stored and answers `count: Number.MAX_SAFE_INTEGER`: the request is refused with
   * `RATE_LIMITED` (fail closed) until a window ends. Raise `maxKeys`, or share a Redis or
   * Kysely store, if that happens under real traffic.
   */
  maxKeys?: number;
  /**
   * Told (with `warn`, at most once a minute) while the store refuses new keys because it is
   * full of live account windows. Default: none; pass the `logger` you give `createAuth`.
   */
  logger?: Logger;
}

interface Bucket {
  count: number;
  resetAt: number;
}

type Scope = RateLimitHitOptions['scope'];

// The windows of one scope and one length, in the order they started: each window restarts at
// the end of its lane, so the first live window of a lane is the one that ends first.
interface Lane {
  readonly scope: Scope;
  readonly windowMs: number;
  readonly buckets: Map<string, Bucket>;
  // A live iterator kept between calls, and the first live window it has reached. A Map keeps a
  // deleted entry as a hole until it rehashes, so a fresh iterator after each delete at the front
  // would skip more and more holes; this one only moves forward: O(1) amortized per window.
  cursor: Iterator<[string, Bucket]> | undefined;
  headKey: string;
  headBucket: Bucket | undefined;
}

// Gatehouse's rules use 3 or 4 window lengths. A caller with many more shares lanes between
// lengths: still correct, but an ended window may then wait behind a live one to be dropped.
const MAX_LANES_PER_SCOPE = 8;
const WARN_EVERY_MS = 60_000;

/**
 * Creates an in-process {@link RateLimitStore}: right for one instance; use the Kysely or Redis
 * store when several instances must share their counts.
 *
 * @throws TypeError when `maxKeys` is not a positive integer.
 *
 * @example
 * ```ts
 * import { memoryRateLimitStore } from '@gatehouse-auth/core';
 * const limits = memoryRateLimitStore({ maxKeys: 50_000 });
 * ```
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError('memoryRateLimitStore: maxKeys must be a positive integer.');
  }
  const logger = options.logger;
  // An eighth of the store is kept for client windows, so a flood of account keys cannot stop
  // the per-address limits from counting.
  const maxAccountKeys = maxKeys - (maxKeys >> 3);
  const lanes: Record<Scope, Map<number, Lane>> = { client: new Map(), account: new Map() };
  const allLanes: Lane[] = [];
  const sizes: Record<Scope, number> = { client: 0, account: 0 };
  let lastWarnedAt = Number.NEGATIVE_INFINITY;

  function laneFor(scope: Scope, windowMs: number): Lane {
    const own = lanes[scope];
    let lane = own.get(windowMs);
    if (lane !== undefined) return lane;
    if (own.size >= MAX_LANES_PER_SCOPE) {
      for (const candidate of own.values()) {
        if (lane === undefined || Math.abs(candidate.windowMs - windowMs) < Math.abs(lane.windowMs - windowMs)) lane = candidate;
      }
      return lane as Lane;
    }
    lane = { scope, windowMs, buckets: new Map(), cursor: undefined, headKey: '', headBucket: undefined };
    own.set(windowMs, lane);
    allLanes.push(lane);
    return lane;
  }

  function remove(lane: Lane, key: string): void {
    lane.buckets.delete(key);
    sizes[lane.scope] -= 1;
  }

  // The lane's first live window (its key left in `lane.headKey`), or undefined when it has none.
  function front(lane: Lane): Bucket | undefined {
    while (lane.headBucket === undefined || lane.buckets.get(lane.headKey) !== lane.headBucket) {
      if (lane.buckets.size === 0) {
        lane.cursor = undefined;
        lane.headBucket = undefined;
        return undefined;
      }
      lane.cursor ??= lane.buckets.entries();
      const next = lane.cursor.next();
      if (next.done === true) {
        lane.cursor = undefined;
        lane.headBucket = undefined;
      } else {
        [lane.headKey, lane.headBucket] = next.value;
      }
    }
    return lane.headBucket;
  }

  function dropEnded(now: number): void {
    for (const lane of allLanes) {
      for (let head = front(lane); head !== undefined && head.resetAt <= now; head = front(lane)) remove(lane, lane.headKey);
    }
  }

  // Drops up to `count` live client windows, those that started first across the client lanes.
  function evictClients(count: number): void {
    for (let left = count; left > 0; left -= 1) {
      let oldest: Lane | undefined;
      let oldestStart = Number.POSITIVE_INFINITY;
      for (const lane of lanes.client.values()) {
        const head = front(lane);
        if (head !== undefined && head.resetAt - lane.windowMs < oldestStart) {
          oldest = lane;
          oldestStart = head.resetAt - lane.windowMs;
        }
      }
      if (oldest === undefined) return;
      remove(oldest, oldest.headKey);
    }
  }

  // Called only when a new window does not fit. Drops only what it must, in O(1) amortized
  // (every window is dropped at most once, and the lanes are few). Returns false when no room
  // can be made without dropping a live account window.
  function makeRoom(scope: Scope, now: number): boolean {
    dropEnded(now);
    if (scope === 'account' && sizes.account >= maxAccountKeys) return false;
    if (sizes.client + sizes.account < maxKeys) return true;
    evictClients(sizes.client + sizes.account - maxKeys + 1);
    return sizes.client + sizes.account < maxKeys;
  }

  // When the first window that matters to `scope` ends, i.e. when room may free up.
  function nextRoomAt(scope: Scope, now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const lane of allLanes) {
      if (scope === 'account' && lane.scope !== 'account') continue;
      const head = front(lane);
      if (head !== undefined && head.resetAt < earliest) earliest = head.resetAt;
    }
    return Number.isFinite(earliest) && earliest > now ? earliest : now + 1000;
  }

  function refuse(scope: Scope, now: number): RateLimitState {
    const resetAt = nextRoomAt(scope, now);
    if (logger !== undefined && now - lastWarnedAt >= WARN_EVERY_MS) {
      lastWarnedAt = now;
      logger.warn('gatehouse: memoryRateLimitStore is full of live account windows; new keys are refused (RATE_LIMITED) until windows end. Raise maxKeys or use a shared rate-limit store.', {
        maxKeys,
        accountWindows: sizes.account,
        retryAt: new Date(resetAt),
      });
    }
    return { count: Number.MAX_SAFE_INTEGER, resetAt: new Date(resetAt) };
  }

  function find(key: string): { lane: Lane; bucket: Bucket } | undefined {
    for (const lane of allLanes) {
      const bucket = lane.buckets.get(key);
      if (bucket !== undefined) return { lane, bucket };
    }
    return undefined;
  }

  function state(bucket: Bucket): RateLimitState {
    return { count: bucket.count, resetAt: new Date(bucket.resetAt) };
  }

  return {
    async hit(key, windowMs, now, hitOptions) {
      const time = now.getTime();
      const scope: Scope = hitOptions?.scope === 'account' ? 'account' : 'client';
      const home = lanes[scope].get(windowMs);
      // Most hits find their key in the lane of their own scope and window length.
      let lane = home;
      let bucket = home?.buckets.get(key);
      if (bucket === undefined) {
        for (const other of allLanes) {
          bucket = other === home ? undefined : other.buckets.get(key);
          if (bucket !== undefined) {
            lane = other;
            break;
          }
        }
      }
      if (bucket !== undefined && lane !== undefined) {
        if (bucket.resetAt > time) {
          bucket.count += 1;
          return state(bucket);
        }
        remove(lane, key);
      }
      const full = sizes.client + sizes.account >= maxKeys || (scope === 'account' && sizes.account >= maxAccountKeys);
      if (full && !makeRoom(scope, time)) return refuse(scope, time);
      const fresh = { count: 1, resetAt: time + windowMs };
      (home ?? laneFor(scope, windowMs)).buckets.set(key, fresh);
      sizes[scope] += 1;
      return state(fresh);
    },

    async peek(key, now) {
      const found = find(key);
      return found !== undefined && found.bucket.resetAt > now.getTime() ? state(found.bucket) : null;
    },

    async reset(key) {
      const found = find(key);
      if (found !== undefined) remove(found.lane, key);
    },
  };
}
