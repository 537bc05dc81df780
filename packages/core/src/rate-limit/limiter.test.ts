import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { memoryRateLimitStore } from '../memory/memory-rate-limit-store.js';
import type { RateLimitStore } from '../ports/rate-limit-store.js';

const downStore: RateLimitStore = {
  hit: () => Promise.reject(new Error('ECONNREFUSED redis')),
  peek: () => Promise.reject(new Error('ECONNREFUSED redis')),
  reset: () => Promise.reject(new Error('ECONNREFUSED redis')),
};

describe('login rate limits', () => {
  it('allows 5 attempts a minute per account and address, then answers RATE_LIMITED with Retry-After seconds', async () => {
    const t = testAuth();
    await registeredUser(t);
    for (let i = 0; i < 5; i += 1) {
      await expect(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1', ip: '203.0.113.9' })).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
      });
    }
    t.clock.advance(20_000);
    const limited = await caught(t.auth.login({ email: 'ADA@example.com', password: PASSWORD, ip: '203.0.113.9' }));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.retryAfter).toBe(40);
    // another address is not limited for this account, and the window ends on time
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '198.51.100.7' })).resolves.toHaveProperty('tokens');
    t.clock.advance(40_000);
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '203.0.113.9' })).resolves.toHaveProperty('tokens');
  });

  it('limits an address across accounts, grouping IPv6 clients by /64', async () => {
    const t = testAuth({ rateLimits: { loginPerIp: { limit: 3, window: '1m' } } });
    for (let i = 0; i < 3; i += 1) {
      await caught(t.auth.login({ email: `user${i}@example.com`, password: PASSWORD, ip: `2001:db8:1:2::${i + 1}` }));
    }
    expect((await caught(t.auth.login({ email: 'other@example.com', password: PASSWORD, ip: '2001:db8:1:2:ffff::1' }))).code).toBe('RATE_LIMITED');
    expect((await caught(t.auth.login({ email: 'other@example.com', password: PASSWORD, ip: '2001:db8:1:3::1' }))).code).toBe('INVALID_CREDENTIALS');
  });

  it('limits before hashing, so a flood costs no argon2 work', async () => {
    const t = testAuth({ rateLimits: { login: { limit: 2, window: '1m' } } });
    for (let i = 0; i < 10; i += 1) await caught(t.auth.login({ email: 'ada@example.com', password: 'x', ip: '203.0.113.9' }));
    expect(t.hasher.calls.verify).toBe(2);
  });

  it('can be turned off', async () => {
    const t = testAuth({ rateLimits: false });
    for (let i = 0; i < 20; i += 1) {
      expect((await caught(t.auth.login({ email: 'ada@example.com', password: 'x', ip: '203.0.113.9' }))).code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('fails closed by default when the store is down, and open when configured', async () => {
    const closed = testAuth({ rateLimitStore: downStore });
    await registeredUser(closed);
    expect((await caught(closed.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '203.0.113.9' }))).code).toBe('SERVICE_UNAVAILABLE');
    const warnings: string[] = [];
    const open = testAuth({ rateLimitStore: downStore, rateLimits: { failMode: 'open' }, logger: { warn: (m) => warnings.push(m), error() {} } });
    await registeredUser(open);
    await expect(open.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '203.0.113.9' })).resolves.toHaveProperty('tokens');
    expect(warnings[0]).toMatch(/failing open/);
  });
});

describe('account lockout', () => {
  it('locks an account after the threshold of failures, answering exactly like a wrong password, without counting while locked', async () => {
    const rateLimitStore = memoryRateLimitStore();
    const t = testAuth({ rateLimitStore, rateLimits: { login: false, loginPerIp: false, lockout: { threshold: 3, window: '1h' } } });
    await registeredUser(t);
    for (let i = 0; i < 3; i += 1) await caught(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1', ip: `203.0.113.${i}` }));
    const verifiesBefore = t.hasher.calls.verify;
    const locked = await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '198.51.100.1' }));
    const wrong = await caught(testAuth().auth.login({ email: 'ada@example.com', password: 'x' }));
    expect(locked.code).toBe('INVALID_CREDENTIALS');
    expect(locked.message).toBe(wrong.message);
    expect(t.hasher.calls.verify - verifiesBefore).toBe(1); // the same hashing work as any failure
    expect(t.events.filter((e) => e.type === 'account.locked')).toHaveLength(1);
    for (let i = 0; i < 5; i += 1) await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD }));
    expect((await rateLimitStore.peek('lockout:ada@example.com', t.clock.now()))?.count).toBe(3);
    t.clock.advance(3_600_000);
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).resolves.toHaveProperty('tokens');
  });

  it('does not lock other accounts', async () => {
    const t = testAuth({ rateLimits: { login: false, loginPerIp: false, lockout: { threshold: 2, window: '1h' } } });
    await registeredUser(t);
    await registeredUser(t, 'bob@example.com');
    for (let i = 0; i < 3; i += 1) await caught(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1' }));
    await expect(t.auth.login({ email: 'bob@example.com', password: PASSWORD })).resolves.toHaveProperty('tokens');
  });
});

describe('lockout and password reset', () => {
  it('never blocks a reset, and a completed reset lifts the lockout', async () => {
    const t = testAuth({ rateLimits: { login: false, loginPerIp: false, lockout: { threshold: 2, window: '1h' } } });
    await registeredUser(t);
    for (let i = 0; i < 2; i += 1) await caught(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1' }));
    expect((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD }))).code).toBe('INVALID_CREDENTIALS');
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const link = /token=([A-Za-z0-9_-]+)/.exec(t.mailer.lastTo('ada@example.com')?.text ?? '')?.[1] ?? '';
    await t.auth.confirmPasswordReset({ token: link, password: 'Brand-New-Secret-7' });
    await expect(t.auth.login({ email: 'ada@example.com', password: 'Brand-New-Secret-7' })).resolves.toHaveProperty('tokens');
  });
});

describe('re-authentication for sensitive changes', () => {
  it('limits wrong current-password guesses like logins', async () => {
    const t = testAuth({ rateLimits: { login: { limit: 3, window: '1m' } } });
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const guess = (currentPassword: string): Promise<unknown> =>
      t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword, newPassword: 'Brand-New-Secret-7' });
    for (let i = 0; i < 3; i += 1) expect((await caught(guess(`Guess-${i}-Password`))).code).toBe('INVALID_CREDENTIALS');
    expect((await caught(guess(PASSWORD))).code).toBe('RATE_LIMITED');
    t.clock.advance(60_000);
    await expect(guess(PASSWORD)).resolves.toBeUndefined();
  });
});
