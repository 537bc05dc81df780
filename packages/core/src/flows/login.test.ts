import bcrypt from '@node-rs/bcrypt';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { argon2Hasher } from '../password/argon2-hasher.js';

describe('login', () => {
  it('starts a session and returns the user without its hash', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { user, tokens } = await t.auth.login({ email: '  ADA@example.com ', password: PASSWORD, ip: '203.0.113.9' });
    expect(user.id).toBe(userId);
    expect(user).not.toHaveProperty('passwordHash');
    expect(user.lastLoginAt).toEqual(t.clock.now());
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await t.auth.authenticate(tokens.accessToken)).userId).toBe(userId);
    expect(t.events.map((e) => e.type)).toContain('login.succeeded');
  });

  it('answers expiresIn as the token lifetime (exp - iat), whatever the milliseconds of the clock', async () => {
    const t = testAuth();
    await registeredUser(t);
    for (const ms of [0, 499, 500, 999]) {
      t.clock.set(Date.UTC(2026, 0, 2, 12, 0, 0, ms));
      const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
      expect([tokens.expiresIn, claims.exp - claims.iat]).toEqual([900, 900]);
    }
  });

  it('refuses a wrong password and an unknown email the same way, with the same hashing work', async () => {
    const t = testAuth();
    await registeredUser(t);
    await t.auth.login({ email: 'warmup@example.com', password: PASSWORD }).catch(() => {}); // computes the dummy hash once
    const before = { ...t.hasher.calls };
    const wrong = await t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1' }).catch((e: unknown) => e);
    const afterWrong = { ...t.hasher.calls };
    const unknown = await t.auth.login({ email: 'nobody@example.com', password: 'Wrong-Password-1' }).catch((e: unknown) => e);
    const afterUnknown = { ...t.hasher.calls };
    expect(wrong).toBeInstanceOf(AuthError);
    expect(unknown).toBeInstanceOf(AuthError);
    expect((wrong as AuthError).code).toBe('INVALID_CREDENTIALS');
    expect((unknown as AuthError).code).toBe('INVALID_CREDENTIALS');
    expect((unknown as AuthError).message).toBe((wrong as AuthError).message);
    expect(afterWrong.verify - before.verify).toBe(1);
    expect(afterUnknown.verify - afterWrong.verify).toBe(1);
    expect(afterUnknown.hash - afterWrong.hash).toBe(afterWrong.hash - before.hash);
    expect(t.events.filter((e) => e.type === 'login.failed').map((e) => e.type === 'login.failed' && e.reason)).toEqual([
      'unknown_email',
      'wrong_password',
      'unknown_email',
    ]);
  });

  it('refuses an unverified user when verification is required, only after the password is right', async () => {
    const t = testAuth();
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
  });

  it('lets an unverified user in when verification is not required', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).resolves.toHaveProperty('tokens');
  });

  it('refuses a disabled user, and their existing tokens stop working', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
    await expect(t.auth.authenticate(tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(t.auth.refresh({ refreshToken: tokens.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('refuses a disabled user whose sessions were not revoked (status checked on every request)', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.store.updateUser(userId, { status: 'disabled', updatedAt: t.clock.now() });
    await expect(t.auth.authenticate(tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(t.auth.refresh({ refreshToken: tokens.refreshToken })).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
  });

  it('does not rehash (or write) a hash already at the current parameters: needsRehash stays synchronous through the port guard', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const stored = (await t.store.findUserById(userId))?.passwordHash;
    const hashesBefore = t.hasher.calls.hash;
    await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    expect(t.hasher.calls.hash).toBe(hashesBefore);
    expect((await t.store.findUserById(userId))?.passwordHash).toBe(stored);
    expect(t.events.some((e) => e.type === 'password.rehashed')).toBe(false);
  });

  it('rehashes a hash made below the current parameters on successful login', async () => {
    const weak = argon2Hasher({ memoryCost: 512, timeCost: 1 });
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.store.updateUser(userId, { passwordHash: await weak.hash(PASSWORD), updatedAt: t.clock.now() });
    await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const stored = (await t.store.findUserById(userId))?.passwordHash ?? '';
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(t.events.some((e) => e.type === 'password.rehashed')).toBe(true);
    // and the new hash still works
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).resolves.toHaveProperty('tokens');
  });

  it('verifies an imported bcrypt hash and upgrades it to argon2id on the first successful login', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const legacy = (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, '$2a$');
    await t.store.updateUser(userId, { passwordHash: legacy, updatedAt: t.clock.now() });
    await expect(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-1' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await t.store.findUserById(userId))?.passwordHash).toBe(legacy);
    await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    expect((await t.store.findUserById(userId))?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a stored hash with extreme parameters without doing the work', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const planted = '$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$' + 'A'.repeat(43);
    await t.store.updateUser(userId, { passwordHash: planted, updatedAt: t.clock.now() });
    const started = performance.now();
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('validates input: malformed email, missing and oversized password', async () => {
    const t = testAuth();
    const error = await caught(t.auth.login({ email: 'not-an-email', password: '' }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as AuthError).fields?.map((f) => [f.field, f.code])).toEqual([
      ['email', 'invalid_email'],
      ['password', 'too_short'],
    ]);
    await expect(t.auth.login({ email: 'ada@example.com', password: 'x'.repeat(10_000) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.auth.login({ email: 'ada@example.com' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'password', code: 'required' }],
    });
    expect(t.hasher.calls.verify).toBe(0);
  });

  it('keeps one session per user when maxPerUser is 1', async () => {
    const t = testAuth({ session: { maxPerUser: 1 } });
    await registeredUser(t);
    const first = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    t.clock.advance(1000);
    const second = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.authenticate(first.tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(t.auth.refresh({ refreshToken: first.tokens.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(t.auth.authenticate(second.tokens.accessToken)).resolves.toMatchObject({ sessionId: second.tokens.sessionId });
    const { userId } = await t.auth.authenticate(second.tokens.accessToken);
    expect((await t.auth.listSessions({ userId })).map((s) => s.id)).toEqual([second.tokens.sessionId]);
  });

  it('keeps the newest N sessions when maxPerUser is N', async () => {
    const t = testAuth({ session: { maxPerUser: 2 } });
    const { userId } = await registeredUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push((await t.auth.login({ email: 'ada@example.com', password: PASSWORD })).tokens.sessionId);
      t.clock.advance(1000);
    }
    expect((await t.auth.listSessions({ userId })).map((s) => s.id)).toEqual([ids[3], ids[2]]);
  });

  it('turns a store failure into SERVICE_UNAVAILABLE without leaking the driver message', async () => {
    const t = testAuth();
    await registeredUser(t);
    const logged: unknown[] = [];
    const broken = testAuth({
      store: { ...t.store, findUserByEmail: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2')) },
      logger: { warn() {}, error: (_message, details) => logged.push(details) },
    });
    const error = await caught(broken.auth.login({ email: 'ada@example.com', password: PASSWORD }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).not.toMatch(/ECONNREFUSED|hunter2/);
    expect((error.cause as Error).message).toMatch(/ECONNREFUSED/);
    expect(logged).toHaveLength(1);
  });
});
