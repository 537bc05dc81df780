import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';

describe('reissueAccessToken', () => {
  it('signs a new access token for the live session of a valid one, without touching the refresh family', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    t.clock.advance(60_000);
    const { user, tokens: grant } = await t.auth.reissueAccessToken({ accessToken: tokens.accessToken });
    expect(user.id).toBe(userId);
    expect(grant).not.toHaveProperty('refreshToken');
    expect(grant.accessToken).not.toBe(tokens.accessToken);
    expect(grant.accessTokenExpiresAt).toEqual(new Date(t.clock.now().getTime() + 900_000));
    await expect(t.auth.authenticate(grant.accessToken)).resolves.toMatchObject({ sessionId: tokens.sessionId });
    await expect(t.auth.refresh({ refreshToken: tokens.refreshToken })).resolves.toHaveProperty('tokens');
    expect(t.events.some((e) => e.type === 'access_token.reissued')).toBe(true);
  });

  it('refuses an expired token, and the token of an ended session', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.logout({ userId, sessionId: tokens.sessionId });
    expect((await caught(t.auth.reissueAccessToken({ accessToken: tokens.accessToken }))).code).toBe('TOKEN_INVALID');
    const second = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    t.clock.advance(900_000);
    expect((await caught(t.auth.reissueAccessToken({ accessToken: second.tokens.accessToken }))).code).toBe('TOKEN_EXPIRED');
  });
});

describe('refresh without rotation (session.rotateRefreshTokens: false)', () => {
  it('hands back the same refresh token every time, and still ends with the session', async () => {
    const t = testAuth({ session: { rotateRefreshTokens: false, idleTtl: '1d' } });
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(60_000);
      const next = (await t.auth.refresh({ refreshToken: tokens.refreshToken })).tokens;
      expect(next.refreshToken).toBe(tokens.refreshToken);
      await expect(t.auth.authenticate(next.accessToken)).resolves.toBeTruthy();
    }
    expect(t.events.some((e) => e.type === 'refresh_token.reused')).toBe(false);
    t.clock.advance(86_400_000);
    expect((await caught(t.auth.refresh({ refreshToken: tokens.refreshToken }))).code).toBe('TOKEN_EXPIRED');
    const again = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.logout({ userId, sessionId: again.tokens.sessionId });
    expect((await caught(t.auth.refresh({ refreshToken: again.tokens.refreshToken }))).code).toBe('TOKEN_INVALID');
  });
});

describe('verification code alphabet', () => {
  it('issues numeric codes of the configured length, verified like any other', async () => {
    const t = testAuth({ emailVerification: { method: 'code', codeAlphabet: '0123456789', codeLength: 8 } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const text = t.mailer.lastTo('ada@example.com')?.text ?? '';
    const code = /^\s*(\d{8})\s*$/m.exec(text)?.[1];
    expect(code).toMatch(/^\d{8}$/);
    await expect(t.auth.verifyEmail({ email: 'ada@example.com', code: code ?? '' })).resolves.toHaveProperty('user.emailVerified', true);
  });

  it('refuses an alphabet that would make codes ambiguous or weak', async () => {
    const { createAuth } = await import('../create-auth.js');
    const { memoryStore } = await import('../memory/memory-store.js');
    for (const codeAlphabet of ['abc0123456789', '0123', 'AABBCCDDEEFF']) {
      expect(() => createAuth({ store: memoryStore(), secret: 'x'.repeat(32), emailVerification: { codeAlphabet } })).toThrow(/codeAlphabet/);
    }
    expect(() => createAuth({ store: memoryStore(), secret: 'x'.repeat(32), emailVerification: { codeLength: 4 } })).toThrow(/codeLength/);
  });
});
