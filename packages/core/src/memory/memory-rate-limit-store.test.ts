import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import type { RateLimitHitOptions, RateLimitStore } from '../ports/rate-limit-store.js';
import { runRateLimitStoreConformance } from '../testing/index.js';
import { memoryRateLimitStore } from './memory-rate-limit-store.js';

runRateLimitStoreConformance({ name: 'memoryRateLimitStore', createStore: () => memoryRateLimitStore() });

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const client: RateLimitHitOptions = { scope: 'client' };
const account: RateLimitHitOptions = { scope: 'account' };

function at(ms: number): Date {
  return new Date(START + ms);
}

async function liveKeys(store: RateLimitStore, keys: Iterable<string>, now: Date): Promise<number> {
  let live = 0;
  for (const key of keys) if ((await store.peek(key, now)) !== null) live += 1;
  return live;
}

describe('memoryRateLimitStore bound', () => {
  it('keeps at most maxKeys windows, dropping expired ones first, then the oldest', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100 });
    const start = new Date(Date.UTC(2026, 0, 1));
    for (let i = 0; i < 50; i += 1) await store.hit(`short-${i}`, 1000, start);
    for (let i = 0; i < 50; i += 1) await store.hit(`long-${i}`, 3_600_000, start);
    const later = new Date(start.getTime() + 2000);
    await store.hit('new-0', 60_000, later);
    // the expired short windows made room; every long window survived
    expect(await store.peek('long-0', later)).not.toBeNull();
    for (let i = 1; i < 10_000; i += 1) await store.hit(`new-${i}`, 60_000, later);
    let kept = 0;
    for (let i = 0; i < 10_000; i += 1) if (await store.peek(`new-${i}`, later)) kept += 1;
    expect(kept).toBeLessThanOrEqual(100);
    expect(await store.peek('new-9999', later)).not.toBeNull();
    expect(await store.peek('long-0', later)).toBeNull();
  });
});

describe('memoryRateLimitStore under a flood of distinct keys (bug: the flood evicted live lockout windows)', () => {
  it("never drops a victim's live lockout or login window, however many junk account and client keys arrive", async () => {
    const store = memoryRateLimitStore({ maxKeys: 1000 });
    for (let i = 0; i < 3; i += 1) await store.hit('lockout:victim@example.com', HOUR, at(i), account);
    for (let i = 0; i < 5; i += 1) await store.hit('login:victim@example.com|203.0.113.9', MINUTE, at(i), account);

    const junk: string[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      junk.push(`login:junk${i}@example.com|${ip}`, `loginPerIp:${ip}`);
      await store.hit(`login:junk${i}@example.com|${ip}`, MINUTE, at(10 + i), account);
      await store.hit(`loginPerIp:${ip}`, MINUTE, at(10 + i), client);
    }

    const now = at(10_000);
    expect(await store.peek('lockout:victim@example.com', now)).toEqual({ count: 3, resetAt: at(HOUR) });
    // The sixth login try on the victim is still over the limit of 5.
    expect((await store.hit('login:victim@example.com|203.0.113.9', MINUTE, now, account)).count).toBe(6);
    expect(await liveKeys(store, ['lockout:victim@example.com', 'login:victim@example.com|203.0.113.9', ...junk], now)).toBeLessThanOrEqual(1000);
  });

  it('drops client windows, oldest first, to make room for a new account window', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100 });
    for (let i = 0; i < 40; i += 1) await store.hit(`login:user${i}@example.com|203.0.113.9`, MINUTE, at(i), account);
    for (let i = 0; i < 60; i += 1) await store.hit(`perIp:198.51.100.${i}`, MINUTE, at(100 + i), client);

    for (let i = 0; i < 12; i += 1) await store.hit(`lockout:new${i}@example.com`, HOUR, at(200 + i), account);

    const now = at(300);
    expect(await liveKeys(store, Array.from({ length: 12 }, (_, i) => `lockout:new${i}@example.com`), now)).toBe(12);
    expect(await liveKeys(store, Array.from({ length: 40 }, (_, i) => `login:user${i}@example.com|203.0.113.9`), now)).toBe(40);
    // One client window went for each new window, the oldest first.
    expect(await liveKeys(store, Array.from({ length: 12 }, (_, i) => `perIp:198.51.100.${i}`), now)).toBe(0);
    expect(await liveKeys(store, Array.from({ length: 48 }, (_, i) => `perIp:198.51.100.${i + 12}`), now)).toBe(48);
  });

  it('drops ended windows before any live one, also ended short windows that started after a live long one', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100 });
    // Failed logins for distinct accounts: a one-minute login window and a one-hour lockout each.
    for (let i = 0; i < 40; i += 1) {
      await store.hit(`lockout:user${i}@example.com`, HOUR, at(i), account);
      await store.hit(`login:user${i}@example.com|203.0.113.9`, MINUTE, at(i), account);
    }
    await store.hit('perIp:203.0.113.9', MINUTE, at(50), client);
    const later = at(2 * MINUTE);
    for (let i = 0; i < 40; i += 1) {
      expect((await store.hit(`login:other${i}@example.com|203.0.113.9`, MINUTE, later, account)).count).toBe(1);
    }
    expect(await liveKeys(store, Array.from({ length: 40 }, (_, i) => `lockout:user${i}@example.com`), later)).toBe(40);
  });

  it('refuses a new account key when account windows fill their share, keeps counting the others, and logs once', async () => {
    const warnings: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];
    const logger = { warn: (message: string, details?: Record<string, unknown>) => warnings.push({ message, details }), error() {} };
    const store = memoryRateLimitStore({ maxKeys: 80, logger });
    // Account windows may hold 80 - 80/8 = 70 keys; the rest stays for client addresses.
    for (let i = 0; i < 70; i += 1) await store.hit(`lockout:user${i}@example.com`, HOUR, at(i), account);

    const refused = await store.hit('lockout:victim@example.com', HOUR, at(100), account);
    expect(refused.count).toBe(Number.MAX_SAFE_INTEGER);
    // Room frees up when the first account window ends.
    expect(refused.resetAt).toEqual(at(HOUR));
    expect(await store.peek('lockout:victim@example.com', at(101))).toBeNull();
    expect((await store.hit('login:victim@example.com|203.0.113.9', MINUTE, at(102), account)).count).toBe(Number.MAX_SAFE_INTEGER);

    // Windows already kept go on counting, and client addresses still get windows.
    expect((await store.hit('lockout:user0@example.com', HOUR, at(103), account)).count).toBe(2);
    for (let i = 0; i < 50; i += 1) expect((await store.hit(`perIp:198.51.100.${i}`, MINUTE, at(104), client)).count).toBe(1);
    expect(await liveKeys(store, Array.from({ length: 50 }, (_, i) => `perIp:198.51.100.${i}`), at(105))).toBeLessThanOrEqual(10);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/memoryRateLimitStore is full/);
    expect(JSON.stringify(warnings)).not.toContain('example.com');

    // Once the first window has ended, a new account key is counted again.
    expect((await store.hit('lockout:victim@example.com', HOUR, at(HOUR), account)).count).toBe(1);
  });

  it('treats a hit without a scope as a client address, as before the option existed', async () => {
    const store = memoryRateLimitStore({ maxKeys: 8 });
    for (let i = 0; i < 8; i += 1) await store.hit(`key-${i}`, MINUTE, at(i));
    expect((await store.hit('key-8', MINUTE, at(8))).count).toBe(1);
    expect(await store.peek('key-0', at(9))).toBeNull();
    expect(await store.peek('key-8', at(9))).not.toBeNull();
  });
});

describe('memoryRateLimitStore behind createAuth', () => {
  it('keeps an account locked out while a flood of junk logins fills the store', async () => {
    const rateLimitStore = memoryRateLimitStore({ maxKeys: 300 });
    const t = testAuth({ rateLimitStore, rateLimits: { lockout: { threshold: 3, window: '1h' } } });
    await registeredUser(t);
    for (let i = 0; i < 3; i += 1) {
      expect((await caught(t.auth.login({ email: 'ada@example.com', password: `Wrong-Password-${i}`, ip: '203.0.113.9' }))).code).toBe('INVALID_CREDENTIALS');
    }

    // Each junk login (an unknown account from a new address) leaves three windows behind.
    const answers = new Set<string>();
    for (let i = 0; i < 400; i += 1) {
      t.clock.advance(100);
      const ip = `10.0.${i >> 8}.${i & 255}`;
      answers.add((await caught(t.auth.login({ email: `junk${i}@example.com`, password: 'Junk-Password-1', ip }))).code);
    }
    // The right password still does not get in, from the same address or a new one.
    const verifies = t.hasher.calls.verify;
    expect((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '203.0.113.9' }))).code).toBe('INVALID_CREDENTIALS');
    expect(['INVALID_CREDENTIALS', 'RATE_LIMITED']).toContain((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '198.51.100.7' }))).code);
    expect((await rateLimitStore.peek('lockout:ada@example.com', t.clock.now()))?.count).toBe(3);
    // A locked-out login never checks the password against the user's hash (only the dummy one).
    expect(t.hasher.calls.verify - verifies).toBeLessThanOrEqual(2);
    // Once account windows filled their share, the junk logins were refused: fail closed.
    expect([...answers].sort()).toEqual(['INVALID_CREDENTIALS', 'RATE_LIMITED']);

    // The lockout ends with its window, and then the owner gets in.
    t.clock.advance(60 * 60_000);
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '203.0.113.9' })).resolves.toHaveProperty('tokens');
  });
});
