import { randomBytes, randomUUID } from 'node:crypto';
import { fakeClock } from '@gatehouse-auth/core';
import { runRateLimitStoreConformance } from '@gatehouse-auth/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisRateLimitStore } from './index.js';
import { connect, deleteKeysUnder, keysUnder, uniquePrefix, unreachableClient } from './test-support/redis.js';

const MINUTE = 60_000;
const prefix = uniquePrefix();
let redis: Redis;

beforeAll(() => {
  redis = connect();
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

runRateLimitStoreConformance({
  name: 'redisRateLimitStore',
  createStore: () => redisRateLimitStore(redis, { keyPrefix: `${prefix}conformance:` }),
});

describe('redisRateLimitStore on Redis', () => {
  // The wall clock, so Redis' own TTLs and the windows agree as they do in production.
  function wallClock(): Date {
    return new Date();
  }

  it('keeps one hash per key under the prefix, with the count and resetAt in milliseconds', async () => {
    const keyPrefix = `${prefix}layout:`;
    const store = redisRateLimitStore(redis, { keyPrefix });
    const now = fakeClock(Date.UTC(2031, 0, 2, 3, 4, 5, 678)).now();
    await store.hit('login:ada@example.com|203.0.113.9', MINUTE, now);
    await store.hit('login:ada@example.com|203.0.113.9', MINUTE, now);
    const key = `${keyPrefix}login:ada@example.com|203.0.113.9`;
    expect(await keysUnder(redis, keyPrefix)).toEqual([key]);
    expect(await redis.type(key)).toBe('hash');
    expect(await redis.hgetall(key)).toEqual({ count: '2', resetAt: String(now.getTime() + MINUTE) });
  });

  it('uses gatehouse:rl: as the default prefix', async () => {
    const key = `redis-test:${randomUUID()}`;
    try {
      await redisRateLimitStore(redis).hit(key, MINUTE, wallClock());
      expect(await redis.exists(`gatehouse:rl:${key}`)).toBe(1);
    } finally {
      await redis.del(`gatehouse:rl:${key}`);
    }
  });

  it('gives each key a TTL of its window: PTTL > 0 and ≤ windowMs, and a new window sets it again', async () => {
    const store = redisRateLimitStore(redis, { keyPrefix: prefix });
    const key = `ttl:${randomUUID()}`;
    const start = wallClock();
    await store.hit(key, MINUTE, start);
    const first = await redis.pttl(`${prefix}${key}`);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(MINUTE);
    // A hit inside the window leaves the TTL alone: the window does not slide.
    await store.hit(key, 10 * MINUTE, fakeClock(start).now());
    expect(await redis.pttl(`${prefix}${key}`)).toBeLessThanOrEqual(MINUTE);
    // The first hit after the window (by the caller's clock) starts a new one, with a new TTL.
    const later = fakeClock(start.getTime() + MINUTE).now();
    expect(await store.hit(key, 10 * MINUTE, later)).toEqual({ count: 1, resetAt: fakeClock(later.getTime() + 10 * MINUTE).now() });
    expect(await redis.pttl(`${prefix}${key}`)).toBeGreaterThan(MINUTE);
  });

  it('lets Redis free each key when its window ends, so memory stays bounded', async () => {
    const keyPrefix = `${prefix}expiry:`;
    const store = redisRateLimitStore(redis, { keyPrefix });
    // Real time must pass for Redis' own expiry, so the windows are a few milliseconds long.
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.hit(`ip:198.51.100.${index}`, 20, wallClock())));
    expect((await keysUnder(redis, keyPrefix)).length).toBe(20);
    const deadline = Date.now() + 5_000;
    while ((await keysUnder(redis, keyPrefix)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await keysUnder(redis, keyPrefix)).toEqual([]);
  });

  it("keeps counting when the caller's clock is far from Redis' clock (a fake clock in 1970)", async () => {
    // The window follows the clock Gatehouse passes in; an expiry at that clock's resetAt
    // would be decades in Redis' past and delete the key at once, turning the limit off.
    const store = redisRateLimitStore(redis, { keyPrefix: prefix });
    const clock = fakeClock(0);
    const key = `skew:${randomUUID()}`;
    expect((await store.hit(key, MINUTE, clock.now())).count).toBe(1);
    clock.advance(1_000);
    expect(await store.hit(key, MINUTE, clock.now())).toEqual({ count: 2, resetAt: fakeClock(MINUTE).now() });
    expect(await store.peek(key, clock.now())).toEqual({ count: 2, resetAt: fakeClock(MINUTE).now() });
    expect(await redis.pttl(`${prefix}${key}`)).toBeGreaterThan(0);
  });

  it('shares counts between clients with the same prefix and keeps other prefixes apart', async () => {
    const other = connect();
    try {
      const now = wallClock();
      const a = redisRateLimitStore(redis, { keyPrefix: `${prefix}app-a:` });
      const b = redisRateLimitStore(other, { keyPrefix: `${prefix}app-a:` });
      const c = redisRateLimitStore(other, { keyPrefix: `${prefix}app-c:` });
      await a.hit('login:x', MINUTE, now);
      expect((await b.hit('login:x', MINUTE, now)).count).toBe(2);
      expect((await c.hit('login:x', MINUTE, now)).count).toBe(1);
    } finally {
      await other.quit();
    }
  });

  it("puts the ioredis client's own keyPrefix in front of the store's, for hit, peek and reset", async () => {
    const prefixed = connect({ keyPrefix: `${prefix}client:` });
    try {
      const store = redisRateLimitStore(prefixed, { keyPrefix: 'store:' });
      const now = wallClock();
      await store.hit('k', MINUTE, now);
      expect(await redis.hget(`${prefix}client:store:k`, 'count')).toBe('1');
      expect((await store.peek('k', now))?.count).toBe(1);
      await store.reset('k');
      expect(await redis.exists(`${prefix}client:store:k`)).toBe(0);
    } finally {
      await prefixed.quit();
    }
  });

  it('counts exactly once per hit from several connections at once', async () => {
    const clients = [redis, connect(), connect()];
    try {
      const key = `parallel:${randomUUID()}`;
      const stores = clients.map((client) => redisRateLimitStore(client, { keyPrefix: prefix }));
      const now = wallClock();
      const states = await Promise.all(Array.from({ length: 90 }, (_, index) => stores[index % stores.length]!.hit(key, MINUTE, now)));
      expect(states.map((state) => state.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 90 }, (_, index) => index + 1));
    } finally {
      await Promise.all(clients.slice(1).map((client) => client.quit()));
    }
  });

  it('sends the script itself when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH)', async () => {
    // A client whose EVALSHA asks Redis for a script it has never seen, so Redis answers
    // NOSCRIPT for real, without flushing the script cache other users of this Redis rely on.
    const calls: string[] = [];
    const forgetful = new Proxy(redis, {
      get(target, property, receiver) {
        if (property === 'evalsha') {
          return (_sha: string, ...rest: (string | number)[]) => {
            calls.push('evalsha');
            return target.evalsha(randomBytes(20).toString('hex'), ...(rest as [number, ...(string | number)[]]));
          };
        }
        if (property === 'eval') {
          return (...args: Parameters<Redis['eval']>) => {
            calls.push('eval');
            return target.eval(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const store = redisRateLimitStore(forgetful, { keyPrefix: prefix });
    const key = `noscript:${randomUUID()}`;
    const now = wallClock();
    expect((await store.hit(key, MINUTE, now)).count).toBe(1);
    expect((await store.hit(key, MINUTE, now)).count).toBe(2);
    expect(calls).toEqual(['evalsha', 'eval', 'evalsha', 'eval']);
  });

  it('rejects every call when Redis cannot be reached, so Gatehouse can apply its fail mode', async () => {
    const down = await unreachableClient();
    try {
      const store = redisRateLimitStore(down);
      const now = wallClock();
      await expect(store.hit('login:x', MINUTE, now)).rejects.toThrow();
      await expect(store.peek('login:x', now)).rejects.toThrow();
      await expect(store.reset('login:x')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });

  it('rejects when the key holds something other than its hash', async () => {
    const key = `wrongtype:${randomUUID()}`;
    await redis.set(`${prefix}${key}`, 'not a hash');
    const store = redisRateLimitStore(redis, { keyPrefix: prefix });
    await expect(store.hit(key, MINUTE, wallClock())).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses what is not an ioredis client, a prefix that is not a string, and an invalid now or window', async () => {
    expect(() => redisRateLimitStore({} as Redis)).toThrow(/pass an ioredis client/);
    expect(() => redisRateLimitStore(redis, { keyPrefix: 42 as unknown as string })).toThrow(/keyPrefix must be a string/);
    const store = redisRateLimitStore(redis, { keyPrefix: prefix });
    await expect(store.hit('x', MINUTE, fakeClock(Number.NaN).now())).rejects.toThrow(TypeError);
    await expect(store.hit('x', -1, wallClock())).rejects.toThrow(TypeError);
    await expect(store.peek('x', fakeClock(Number.NaN).now())).rejects.toThrow(TypeError);
  });

  it('treats a window of 0 ms like the memory store: every hit counts 1 and nothing is kept', async () => {
    const store = redisRateLimitStore(redis, { keyPrefix: prefix });
    const key = `zero:${randomUUID()}`;
    const now = wallClock();
    expect(await store.hit(key, 0, now)).toEqual({ count: 1, resetAt: now });
    expect(await store.hit(key, 0, now)).toEqual({ count: 1, resetAt: now });
    expect(await redis.exists(`${prefix}${key}`)).toBe(0);
  });
});
