import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config.js';
import type { RandomSource } from '../ports/random-source.js';
import { PASSWORD, caught, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { codeIn, linkIn, mailTo, tokenIn, wrongCode } from '../test-support/mail-fixtures.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function registered(t: TestAuth, email = 'ada@example.com'): Promise<{ userId: string; message: Awaited<ReturnType<typeof mailTo>> }> {
  const { user } = await t.auth.register({ email, password: PASSWORD, profile: { firstName: 'Ada' } });
  return { userId: user.id, message: await mailTo(t, email) };
}

function withMethod(method: 'link' | 'code' | 'both', extra: Partial<AuthConfig> = {}): TestAuth {
  return testAuth({ ...extra, emailVerification: { method, ...extra.emailVerification } });
}

describe('verifyEmail by link', () => {
  it('emails a link on registration that verifies the address and activates the account', async () => {
    const t = withMethod('link');
    const { userId, message } = await registered(t);
    expect(message.subject).toContain('Confirm your email address');
    expect(linkIn(message)).toMatch(/^https:\/\/app\.example\.com\/auth\/verify-email\/[A-Za-z0-9_-]{43}$/);
    expect(message.text).not.toMatch(/^[A-Z2-9]{6}$/m);
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });

    const { user, tokens } = await t.auth.verifyEmail({ token: tokenIn(message) });
    expect(user).toMatchObject({ id: userId, emailVerified: true, emailVerifiedAt: t.clock.now(), status: 'active' });
    expect(tokens).toBeNull();
    expect(t.events.map((e) => e.type)).toEqual(expect.arrayContaining(['email.verification_sent', 'email.verified']));
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).resolves.toMatchObject({ user: { id: userId } });
  });

  it('builds the link from appUrl and the configured path', async () => {
    const t = testAuth({ appUrl: 'https://example.com/app/', emailVerification: { linkPath: '/account/verify' } });
    const { message } = await registered(t);
    expect(linkIn(message)).toMatch(/^https:\/\/example\.com\/app\/account\/verify\/[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a link 1 ms before it expires (24 h) and refuses it exactly at expiry', async () => {
    const t = withMethod('link');
    const early = await registered(t, 'early@example.com');
    const late = await registered(t, 'late@example.com');
    t.clock.advance(24 * HOUR - 1);
    await expect(t.auth.verifyEmail({ token: tokenIn(early.message) })).resolves.toMatchObject({ user: { emailVerified: true } });
    t.clock.advance(1);
    expect((await caught(t.auth.verifyEmail({ token: tokenIn(late.message) }))).code).toBe('TOKEN_EXPIRED');
    expect((await t.store.findUserById(late.userId))?.emailVerifiedAt).toBeNull();
  });

  it('answers success, without tokens, when a still-valid link is opened again (mail scanners open links first)', async () => {
    const t = withMethod('link', { emailVerification: { autoLoginOnVerify: true } });
    const { userId, message } = await registered(t);
    const first = await t.auth.verifyEmail({ token: tokenIn(message) });
    expect(first.tokens).not.toBeNull();
    t.clock.advance(HOUR);
    const again = await t.auth.verifyEmail({ token: tokenIn(message) });
    expect(again).toEqual({ user: expect.objectContaining({ id: userId, emailVerified: true }), tokens: null });
    expect(t.events.filter((e) => e.type === 'email.verified')).toHaveLength(1);
    t.clock.advance(24 * HOUR);
    expect((await caught(t.auth.verifyEmail({ token: tokenIn(message) }))).code).toBe('TOKEN_EXPIRED');
  });

  it('hands out working tokens on success when autoLoginOnVerify is on', async () => {
    const t = withMethod('link', { emailVerification: { autoLoginOnVerify: true } });
    const { userId, message } = await registered(t);
    const { user, tokens } = await t.auth.verifyEmail({ token: tokenIn(message), ip: '203.0.113.9' });
    expect(user.lastLoginAt).toEqual(t.clock.now());
    expect((await t.auth.authenticate(tokens?.accessToken ?? '')).userId).toBe(userId);
    await expect(t.auth.refresh({ refreshToken: tokens?.refreshToken ?? '' })).resolves.toMatchObject({ user: { id: userId } });
  });

  it('lets exactly one of two concurrent uses of a link log in', async () => {
    const t = withMethod('link', { emailVerification: { autoLoginOnVerify: true } });
    const { message } = await registered(t);
    const token = tokenIn(message);
    const outcomes = await Promise.allSettled([t.auth.verifyEmail({ token }), t.auth.verifyEmail({ token })]);
    const withTokens = outcomes.filter((o) => o.status === 'fulfilled' && o.value.tokens !== null);
    expect(withTokens).toHaveLength(1);
    expect(t.events.filter((e) => e.type === 'session.created')).toHaveLength(1);
  });

  it('refuses an unknown token, and a token issued for another purpose', async () => {
    const t = withMethod('link');
    await registered(t);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const reset = await mailTo(t, 'ada@example.com');
    expect((await caught(t.auth.verifyEmail({ token: tokenIn(reset) }))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.verifyEmail({ token: 'x'.repeat(43) }))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.verifyEmail({ token: '' }))).code).toBe('VALIDATION_FAILED');
    expect(t.events.filter((e) => e.type === 'email.verification_failed')).toHaveLength(2);
  });

  it('verifies a disabled account without re-activating it or logging it in', async () => {
    const t = withMethod('link', { emailVerification: { autoLoginOnVerify: true } });
    const { userId, message } = await registered(t);
    // Disabled behind Gatehouse's back (an admin script writing the row), so the link survives.
    await t.store.updateUser(userId, { status: 'disabled', updatedAt: t.clock.now() });
    const { user, tokens } = await t.auth.verifyEmail({ token: tokenIn(message) });
    expect(user).toMatchObject({ emailVerified: true, status: 'disabled' });
    expect(tokens).toBeNull();
  });

  it('a disable through Gatehouse voids the verification link and code, for good', async () => {
    const t = withMethod('both');
    const { userId, message } = await registered(t);
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    await t.auth.setUserStatus({ userId, status: 'pending' });
    expect((await caught(t.auth.verifyEmail({ token: tokenIn(message) }))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: codeIn(message) }))).code).toBe('TOKEN_INVALID');
    expect((await t.store.findUserById(userId))?.emailVerifiedAt).toBeNull();
  });

  it('sends the verification also when login does not require it, and verifying keeps the session usable', async () => {
    const t = withMethod('link', { emailVerification: { requiredForLogin: false } });
    const { user, tokens } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(tokens).not.toBeNull();
    expect(user.status).toBe('pending');
    const message = await mailTo(t, 'ada@example.com');
    await t.auth.verifyEmail({ token: tokenIn(message) });
    expect((await t.auth.authenticate(tokens?.accessToken ?? '')).userId).toBe(user.id);
    expect((await t.auth.getProfile({ userId: user.id })).status).toBe('active');
  });
});

describe('verifyEmail by code', () => {
  it('emails a code standing alone on its own line, and no link', async () => {
    const t = withMethod('code');
    const { message } = await registered(t);
    expect(codeIn(message)).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
    expect(message.text).not.toMatch(/https?:\/\//);
    expect(message.html).toContain(codeIn(message));
  });

  it('verifies with the address and the code, however it is typed', async () => {
    const t = withMethod('code');
    const { userId, message } = await registered(t);
    const code = codeIn(message);
    const typed = ` ${code.slice(0, 3).toLowerCase()}-${code.slice(3)} `;
    const { user } = await t.auth.verifyEmail({ email: ' ADA@Example.com ', code: typed });
    expect(user).toMatchObject({ id: userId, emailVerified: true, status: 'active' });
  });

  it('verifies with the user id of an authenticated caller and the code (contract 003)', async () => {
    const t = withMethod('code', { emailVerification: { requiredForLogin: false } });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const code = codeIn(await mailTo(t, 'ada@example.com'));
    await expect(t.auth.verifyEmail({ userId: user.id, code })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('accepts a code 1 ms before it expires (10 min) and refuses it exactly at expiry', async () => {
    const t = withMethod('code');
    const early = await registered(t, 'early@example.com');
    const late = await registered(t, 'late@example.com');
    t.clock.advance(10 * MINUTE - 1);
    await expect(t.auth.verifyEmail({ email: 'early@example.com', code: codeIn(early.message) })).resolves.toMatchObject({ user: { emailVerified: true } });
    t.clock.advance(1);
    expect((await caught(t.auth.verifyEmail({ email: 'late@example.com', code: codeIn(late.message) }))).code).toBe('TOKEN_EXPIRED');
  });

  it('works once: a second use fails', async () => {
    const t = withMethod('code');
    const { message } = await registered(t);
    const code = codeIn(message);
    await t.auth.verifyEmail({ email: 'ada@example.com', code });
    expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code }))).code).toBe('TOKEN_INVALID');
  });

  it('lets exactly one of two concurrent uses of a code succeed', async () => {
    const t = withMethod('code', { emailVerification: { autoLoginOnVerify: true } });
    const { message } = await registered(t);
    const code = codeIn(message);
    const outcomes = await Promise.allSettled([
      t.auth.verifyEmail({ email: 'ada@example.com', code }),
      t.auth.verifyEmail({ email: 'ada@example.com', code }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('voids a code after 5 wrong guesses, even for the right code after them', async () => {
    const t = withMethod('code');
    const { userId, message } = await registered(t);
    const code = codeIn(message);
    for (let guess = 0; guess < 5; guess += 1) {
      expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: wrongCode(code) }))).code).toBe('TOKEN_INVALID');
    }
    expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code }))).code).toBe('TOKEN_INVALID');
    expect((await t.store.findUserById(userId))?.emailVerifiedAt).toBeNull();
    expect(t.events.some((e) => e.type === 'email.verification_failed' && e.reason === 'attempts_exhausted')).toBe(true);
  });

  it('still accepts the right code after 4 wrong guesses', async () => {
    const t = withMethod('code');
    const { message } = await registered(t);
    const code = codeIn(message);
    for (let guess = 0; guess < 4; guess += 1) await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: wrongCode(code) }));
    await expect(t.auth.verifyEmail({ email: 'ada@example.com', code })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('answers an unknown address exactly like a wrong code, with the same hashing work', async () => {
    const t = withMethod('code');
    const { message } = await registered(t);
    const before = { ...t.hasher.calls };
    const wrong = await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: wrongCode(codeIn(message)) }));
    const unknown = await caught(t.auth.verifyEmail({ email: 'nobody@example.com', code: codeIn(message) }));
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    expect(t.hasher.calls).toEqual(before);
  });

  it('refuses a verification code of another user', async () => {
    const t = withMethod('code');
    await registered(t, 'ada@example.com');
    const grace = await registered(t, 'grace@example.com');
    expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: codeIn(grace.message) }))).code).toBe('TOKEN_INVALID');
  });

  it('limits code guesses per account across reissued codes (rule verifyCode)', async () => {
    const t = withMethod('code', { rateLimits: { verifyCode: { limit: 3, window: '10m' } } });
    const { message } = await registered(t);
    for (let guess = 0; guess < 3; guess += 1) await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: wrongCode(codeIn(message)) }));
    const limited = await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: codeIn(message) }));
    expect(limited.code).toBe('RATE_LIMITED');
  });
});

describe('verifyEmail with both methods', () => {
  it('sends one email with a link and a code; either verifies, and the other then answers success', async () => {
    const t = withMethod('both');
    const { message } = await registered(t);
    expect(t.mailer.messages).toHaveLength(1);
    const code = codeIn(message);
    expect(linkIn(message)).toContain('/auth/verify-email/');
    await t.auth.verifyEmail({ email: 'ada@example.com', code });
    await expect(t.auth.verifyEmail({ token: tokenIn(message) })).resolves.toMatchObject({ user: { emailVerified: true }, tokens: null });
  });

  it('uses the link lifetime for the link and the code lifetime for the code', async () => {
    const t = withMethod('both');
    const { message } = await registered(t);
    t.clock.advance(10 * MINUTE);
    expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: codeIn(message) }))).code).toBe('TOKEN_EXPIRED');
    await expect(t.auth.verifyEmail({ token: tokenIn(message) })).resolves.toMatchObject({ user: { emailVerified: true } });
  });
});

/** The node:crypto source, except that code draws (12 bytes for 6 characters) take the next scripted numeric code first. */
function scriptedCodes(...codes: string[]): RandomSource {
  const queue = [...codes];
  return {
    bytes(size) {
      const next = size === 12 ? queue.shift() : undefined;
      if (next === undefined) return randomBytes(size);
      return Uint8Array.from([...next].map(Number).concat(Array<number>(size - next.length).fill(0)));
    },
  };
}

function codeOnly(extra: Partial<AuthConfig> = {}): TestAuth {
  return testAuth({ ...extra, emailVerification: { method: 'code', codeOnly: true, codeAlphabet: '0123456789', ...extra.emailVerification } });
}

async function numericCode(t: TestAuth, email: string): Promise<string> {
  const code = /^(\d{6})$/m.exec((await mailTo(t, email)).text)?.[1];
  if (!code) throw new Error(`no code mailed to ${email}`);
  return code;
}

describe('verifyEmail with the code alone (codeOnly)', () => {
  it('finds the account from the code alone and never starts a session', async () => {
    const t = codeOnly();
    const ada = await registered(t, 'ada@example.com');
    const grace = await registered(t, 'grace@example.com');
    const result = await t.auth.verifyEmail({ code: await numericCode(t, 'grace@example.com'), ip: '192.0.2.1' });
    expect(result).toEqual({ user: expect.objectContaining({ id: grace.userId, emailVerified: true, status: 'active' }), tokens: null });
    expect((await t.store.findUserById(ada.userId))?.emailVerifiedAt).toBeNull();
    await expect(t.auth.verifyEmail({ code: await numericCode(t, 'ada@example.com') })).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it('refuses to start with codeOnly and links only, or with autoLoginOnVerify', () => {
    expect(() => testAuth({ emailVerification: { method: 'link', codeOnly: true } })).toThrow(/codeOnly needs codes/);
    expect(() => testAuth({ emailVerification: { method: 'code', codeOnly: true, autoLoginOnVerify: true } })).toThrow(/whoever guessed any live code/);
  });

  it('asks for the address when codeOnly is off', async () => {
    const t = withMethod('code');
    const { message } = await registered(t);
    const refused = await caught(t.auth.verifyEmail({ code: codeIn(message) }));
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(refused.fields?.map((issue) => issue.field)).toEqual(['email']);
  });

  it('never hands out a value that another live code has: the second draw is redrawn', async () => {
    const t = codeOnly({ random: scriptedCodes('111111', '111111', '222222') });
    const ada = await registered(t, 'ada@example.com');
    const grace = await registered(t, 'grace@example.com');
    expect(await numericCode(t, 'ada@example.com')).toBe('111111');
    expect(await numericCode(t, 'grace@example.com')).toBe('222222');
    await expect(t.auth.verifyEmail({ code: '222222' })).resolves.toMatchObject({ user: { id: grace.userId } });
    await expect(t.auth.verifyEmail({ code: '111111' })).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it('lets a value come back once the code that had it is dead and its lifetime over', async () => {
    const t = codeOnly({ random: scriptedCodes('111111', '111111') });
    await registered(t, 'ada@example.com');
    await t.auth.verifyEmail({ code: '111111' });
    t.clock.advance(20 * MINUTE);
    const grace = await registered(t, 'grace@example.com');
    expect(await numericCode(t, 'grace@example.com')).toBe('111111');
    await expect(t.auth.verifyEmail({ code: '111111' })).resolves.toMatchObject({ user: { id: grace.userId } });
  });

  it('accepts a code near the end of its lifetime across a bucket boundary, and refuses it at expiry', async () => {
    const t = codeOnly();
    t.clock.advance(7 * MINUTE);
    const early = await registered(t, 'early@example.com');
    const late = await registered(t, 'late@example.com');
    const earlyCode = await numericCode(t, 'early@example.com');
    const lateCode = await numericCode(t, 'late@example.com');
    t.clock.advance(10 * MINUTE - 1);
    await expect(t.auth.verifyEmail({ code: earlyCode })).resolves.toMatchObject({ user: { id: early.userId } });
    t.clock.advance(1);
    expect((await caught(t.auth.verifyEmail({ code: lateCode }))).code).toBe('TOKEN_EXPIRED');
    expect((await t.store.findUserById(late.userId))?.emailVerifiedAt).toBeNull();
  });

  it('refuses a used code and a code voided by a resend', async () => {
    const t = codeOnly();
    await registered(t, 'ada@example.com');
    const first = await numericCode(t, 'ada@example.com');
    await t.auth.resendVerification({ email: 'ada@example.com' });
    const second = await numericCode(t, 'ada@example.com');
    expect((await caught(t.auth.verifyEmail({ code: first }))).code).toBe('TOKEN_INVALID');
    await t.auth.verifyEmail({ code: second });
    expect((await caught(t.auth.verifyEmail({ code: second }))).code).toBe('TOKEN_INVALID');
  });

  it('costs no account a try for a wrong code alone, and limits such guesses per client address', async () => {
    const t = codeOnly({ rateLimits: { verifyCodePerIp: { limit: 6, window: '10m' } } });
    const { userId } = await registered(t);
    const code = await numericCode(t, 'ada@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let guess = 0; guess < 6; guess += 1) expect((await caught(t.auth.verifyEmail({ code: wrong, ip: '203.0.113.9' }))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.verifyEmail({ code, ip: '203.0.113.9' }))).code).toBe('RATE_LIMITED');
    // Callers that give no address share one budget: the limit cannot be dodged by leaving it out.
    for (let guess = 0; guess < 6; guess += 1) await caught(t.auth.verifyEmail({ code: wrong }));
    expect((await caught(t.auth.verifyEmail({ code }))).code).toBe('RATE_LIMITED');
    await expect(t.auth.verifyEmail({ code, ip: '198.51.100.7' })).resolves.toMatchObject({ user: { id: userId } });
  });

  it('still takes the code with the address or a bearer identity, where wrong guesses spend the code', async () => {
    const t = codeOnly();
    const ada = await registered(t, 'ada@example.com');
    const code = await numericCode(t, 'ada@example.com');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let guess = 0; guess < 5; guess += 1) await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: wrong }));
    expect((await caught(t.auth.verifyEmail({ code }))).code).toBe('TOKEN_INVALID');
    await t.auth.resendVerification({ email: 'ada@example.com' });
    const fresh = await numericCode(t, 'ada@example.com');
    await expect(t.auth.verifyEmail({ userId: ada.userId, code: fresh })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('lets exactly one of two concurrent uses of a code alone succeed', async () => {
    const t = codeOnly();
    await registered(t);
    const code = await numericCode(t, 'ada@example.com');
    const outcomes = await Promise.allSettled([t.auth.verifyEmail({ code }), t.auth.verifyEmail({ code })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
