import type { RateLimitState, RateLimitStore } from '@gatehouse-auth/core';
import type { Cluster, Redis } from 'ioredis';
import { HIT_SCRIPT, HIT_SCRIPT_SHA } from './lib/hit-script.js';

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /**
   * Put before every key this store writes (default `gatehouse:rl:`). Give each app that
   * shares one Redis its own prefix. A `keyPrefix` set on the ioredis client is added in
   * front of this one, as ioredis does for every command.
   */
  keyPrefix?: string;
}

/** The commands the store sends; an ioredis `Redis` or `Cluster` client has them all. */
interface Commands {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  del(...keys: string[]): Promise<number>;
}

function millis(now: Date, method: string): number {
  const time = now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw new TypeError(`redisRateLimitStore.${method}: now must be a valid Date.`);
  return time;
}

function parseHit(reply: unknown): RateLimitState {
  if (Array.isArray(reply) && reply.length === 2) {
    const count = Number(reply[0]);
    const resetAt = Number(reply[1]);
    if (Number.isInteger(count) && count > 0 && Number.isFinite(resetAt)) return { count, resetAt: new Date(resetAt) };
  }
  throw new Error('redisRateLimitStore: unexpected reply from the hit script');
}

function isClient(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['evalsha', 'eval', 'hmget', 'del'].every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Creates a Gatehouse {@link RateLimitStore} in Redis, so that every instance of your app counts
 * against the same limits.
 *
 * `hit` is one Lua script (EVALSHA, then EVAL when Redis does not have the script yet), so N
 * concurrent hits on a key count 1..N exactly once. A window starts at a key's first hit and is
 * judged by the `now` Gatehouse passes in, not by Redis' clock. Each key expires with its window,
 * so Redis frees it by itself and memory stays bounded. Redis errors are not caught here:
 * Gatehouse turns them into `SERVICE_UNAVAILABLE`, or lets the request through when
 * `rateLimits.failMode` is `open`.
 *
 * @param redis An ioredis client your app already has; the store never connects or quits it.
 * @throws TypeError when `redis` is not an ioredis client or `keyPrefix` is not a string.
 *
 * @example
 * ```ts
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { redisRateLimitStore } from '@gatehouse-auth/redis';
 * import { Redis } from 'ioredis';
 *
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const auth = createAuth({
 *   store: memoryStore(),
 *   secret: process.env.GATEHOUSE_SECRET,
 *   rateLimitStore: redisRateLimitStore(redis, { keyPrefix: 'myapp:rl:' }),
 * });
 * ```
 */
export function redisRateLimitStore(redis: Redis | Cluster, options: RedisRateLimitStoreOptions = {}): RateLimitStore {
  if (!isClient(redis)) {
    throw new TypeError('redisRateLimitStore: pass an ioredis client, e.g. redisRateLimitStore(new Redis(process.env.REDIS_URL)).');
  }
  const commands: Commands = redis;
  const keyPrefix = options.keyPrefix ?? 'gatehouse:rl:';
  if (typeof keyPrefix !== 'string') {
    throw new TypeError("redisRateLimitStore: keyPrefix must be a string, e.g. 'myapp:rl:'.");
  }

  return {
    async hit(key: string, windowMs: number, now: Date): Promise<RateLimitState> {
      const time = millis(now, 'hit');
      if (!Number.isFinite(windowMs) || windowMs < 0) {
        throw new TypeError('redisRateLimitStore.hit: windowMs must be a number of milliseconds, 0 or more.');
      }
      // PEXPIRE takes whole milliseconds; rounding up never cuts a window short. A window of 0
      // expires at once, so every hit counts 1, as in the memory store.
      const window = Math.ceil(windowMs);
      const args = [`${keyPrefix}${key}`, time, window, time + window] as const;
      try {
        return parseHit(await commands.evalsha(HIT_SCRIPT_SHA, 1, ...args));
      } catch (error) {
        // After a restart, SCRIPT FLUSH or a failover Redis has forgotten the script: send it
        // whole once, which also caches it for the next EVALSHA.
        if (!isNoScript(error)) throw error;
        return parseHit(await commands.eval(HIT_SCRIPT, 1, ...args));
      }
    },

    async peek(key: string, now: Date): Promise<RateLimitState | null> {
      const time = millis(now, 'peek');
      const [count, resetAt] = await commands.hmget(`${keyPrefix}${key}`, 'count', 'resetAt');
      if (count == null || resetAt == null || Number(resetAt) <= time) return null;
      return { count: Number(count), resetAt: new Date(Number(resetAt)) };
    },

    async reset(key: string): Promise<void> {
      await commands.del(`${keyPrefix}${key}`);
    },
  };
}
