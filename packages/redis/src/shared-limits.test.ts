// End to end: two Gatehouse instances (two `createAuth`, two Redis connections, as two
// processes behind a load balancer would have) on one store and one Redis.
import { argon2Hasher, createAuth, fakeClock, memoryStore } from '@gatehouse-auth/core';
import type { Auth, AuthConfig, FakeClock, Store } from '@gatehouse-auth/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisRateLimitStore } from './index.js';
import { connect, deleteKeysUnder, uniquePrefix, unreachableClient } from './test-support/redis.js';

const PASSWORD = 'Correct-Horse-42';
const WRONG = 'Wrong-Horse-42';
const IP = '203.0.113.9';
const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
const prefix = uniquePrefix();
const connections: Redis[] = [];
const unreachable: Redis[] = [];

function instance(store: Store, clock: FakeClock, overrides: Partial<AuthConfig> = {}): Auth {
  const redis = connect();
  connections.push(redis);
  return createAuth({
    store,
    clock,
    hasher,
    secret: 'test-secret-'.padEnd(32, 'x'),
    emailVerification: { requiredForLogin: false },
    rateLimitStore: redisRateLimitStore(redis, { keyPrefix: prefix }),
    ...overrides,
  });
}

async function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'OK',
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );
}

let redis: Redis;

beforeAll(() => {
  redis = connect();
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await Promise.all([redis, ...connections].map((client) => client.quit()));
  for (const client of unreachable) client.disconnect();
});

describe('two instances sharing one Redis', () => {
  it('count login attempts together: 3 on A and 3 on B, and the 6th is RATE_LIMITED (5 a minute per account and IP)', async () => {
    const store = memoryStore();
    const clock = fakeClock(Date.UTC(2030, 0, 1));
    const a = instance(store, clock);
    const b = instance(store, clock);
    await a.register({ email: 'ada@example.com', password: PASSWORD });

    const attempts: string[] = [];
    for (const auth of [a, a, a, b, b, b]) attempts.push(await code(auth.login({ email: 'ada@example.com', password: WRONG, ip: IP })));
    expect(attempts).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
    // Even the right password is refused on either instance until the window ends ...
    expect(await code(a.login({ email: 'ada@example.com', password: PASSWORD, ip: IP }))).toBe('RATE_LIMITED');
    // ... and then both let the user in.
    clock.advance(60_000);
    expect(await code(b.login({ email: 'ada@example.com', password: PASSWORD, ip: IP }))).toBe('OK');
    expect(await code(a.login({ email: 'ada@example.com', password: PASSWORD, ip: IP }))).toBe('OK');
  });

  it('tell the client when to retry, from the window that started on the other instance', async () => {
    const store = memoryStore();
    const clock = fakeClock(Date.UTC(2030, 0, 2));
    const a = instance(store, clock);
    const b = instance(store, clock);
    await a.register({ email: 'bob@example.com', password: PASSWORD });
    for (let i = 0; i < 5; i += 1) await code(a.login({ email: 'bob@example.com', password: WRONG, ip: IP }));
    clock.advance(20_000);
    const limited = await b.login({ email: 'bob@example.com', password: PASSWORD, ip: IP }).catch((error: unknown) => error);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 40 });
  });
});

describe('when Redis is down', () => {
  it('refuses logins with SERVICE_UNAVAILABLE by default (fail closed)', async () => {
    const down = await unreachableClient();
    unreachable.push(down);
    const clock = fakeClock(Date.UTC(2030, 0, 3));
    const store = memoryStore();
    const up = instance(store, clock);
    await up.register({ email: 'cy@example.com', password: PASSWORD });
    const auth = instance(store, clock, { rateLimitStore: redisRateLimitStore(down, { keyPrefix: prefix }) });
    expect(await code(auth.login({ email: 'cy@example.com', password: PASSWORD, ip: IP }))).toBe('SERVICE_UNAVAILABLE');
  });

  it("lets logins through with rateLimits.failMode 'open', and logs a warning", async () => {
    const down = await unreachableClient();
    unreachable.push(down);
    const clock = fakeClock(Date.UTC(2030, 0, 4));
    const store = memoryStore();
    const up = instance(store, clock);
    await up.register({ email: 'di@example.com', password: PASSWORD });
    const warnings: string[] = [];
    const auth = instance(store, clock, {
      rateLimitStore: redisRateLimitStore(down, { keyPrefix: prefix }),
      rateLimits: { failMode: 'open' },
      logger: { warn: (message: string) => warnings.push(message), error: () => {} },
    });
    expect(await code(auth.login({ email: 'di@example.com', password: PASSWORD, ip: IP }))).toBe('OK');
    expect(warnings.some((message) => /failing open/.test(message))).toBe(true);
  });
});
