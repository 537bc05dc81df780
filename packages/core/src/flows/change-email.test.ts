import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { codeIn, linkIn, mailTo, mailsTo, tokenIn, wrongCode } from '../test-support/mail-fixtures.js';

const HOUR = 3_600_000;

async function requestChange(t: TestAuth, userId: string, newEmail = 'ada@new.example'): Promise<Awaited<ReturnType<typeof mailTo>>> {
  await t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail });
  return mailTo(t, newEmail);
}

describe('requestEmailChange', () => {
  it('sends a link to the new address and a notice to the old one, and changes nothing yet', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.auth.settled();
    t.mailer.clear();
    await t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: ' Ada@New.Example ' });
    const message = await mailTo(t, 'ada@new.example');
    expect(message.subject).toBe('Confirm your new email address for Gatehouse');
    expect(linkIn(message)).toMatch(/^https:\/\/app\.example\.com\/auth\/confirm-email-change\/[A-Za-z0-9_-]{43}$/);
    const notice = await mailTo(t, 'ada@example.com');
    expect(notice.subject).toBe('Your Gatehouse email address is about to change');
    expect(notice.text).toContain('ada@new.example');
    expect(`${notice.text}${notice.html}`).not.toContain(tokenIn(message));
    expect((await t.store.findUserById(userId))?.email).toBe('ada@example.com');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'email.change_requested', userId }));
  });

  it('refuses a wrong password', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const error = await caught(t.auth.requestEmailChange({ userId, password: 'Wrong-Password-1', newEmail: 'ada@new.example' }));
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(await mailsTo(t, 'ada@new.example')).toHaveLength(0);
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'password.check_failed', flow: 'change_email' }));
  });

  it('refuses the current address and a malformed one', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const same = await caught(t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'ADA@example.com' }));
    expect(same.fields).toEqual([expect.objectContaining({ field: 'newEmail', code: 'same_as_current' })]);
    const malformed = await caught(t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'nope' }));
    expect(malformed.fields).toEqual([expect.objectContaining({ field: 'newEmail', code: 'invalid_email' })]);
  });

  it('answers a taken address like a free one, and fails only at confirmation with EMAIL_TAKEN', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await registeredUser(t, 'grace@example.com');
    const free = await t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'free@example.com' });
    const taken = await t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'grace@example.com' });
    expect(taken).toEqual(free);
    const message = await mailTo(t, 'grace@example.com');
    expect(message.subject).toBe('Confirm your new email address for Gatehouse');
    expect((await caught(t.auth.confirmEmailChange({ token: tokenIn(message) }))).code).toBe('EMAIL_TAKEN');
    expect((await t.store.findUserById(userId))?.email).toBe('ada@example.com');
  });

  it('limits requests per account (rule resendVerification)', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    for (let index = 0; index < 3; index += 1) await t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: `new${index}@example.com` });
    expect((await caught(t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'new4@example.com' }))).code).toBe('RATE_LIMITED');
  });
});

describe('confirmEmailChange', () => {
  it('changes the address when the link is used, verifies it, and tells the old address', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const message = await requestChange(t, userId);
    t.clock.advance(1000);
    const { user } = await t.auth.confirmEmailChange({ token: tokenIn(message) });
    expect(user).toMatchObject({ id: userId, email: 'ada@new.example', emailVerified: true, emailVerifiedAt: t.clock.now() });
    const notice = await mailTo(t, 'ada@example.com');
    expect(notice.subject).toBe('Your Gatehouse email address was changed');
    expect(notice.text).toContain('ada@new.example');
    await expect(t.auth.login({ email: 'ada@new.example', password: PASSWORD })).resolves.toMatchObject({ user: { id: userId } });
    expect((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD }))).code).toBe('INVALID_CREDENTIALS');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'email.changed', userId }));
  });

  it('works with a code and the user id (code method)', async () => {
    const t = testAuth({ emailVerification: { method: 'code' } });
    const { userId } = await registeredUser(t);
    const message = await requestChange(t, userId);
    expect(message.text).not.toMatch(/https?:\/\//);
    const code = codeIn(message);
    expect((await caught(t.auth.confirmEmailChange({ userId, code: wrongCode(code) }))).code).toBe('TOKEN_INVALID');
    await expect(t.auth.confirmEmailChange({ userId, code: code.toLowerCase() })).resolves.toMatchObject({ user: { email: 'ada@new.example' } });
  });

  it('voids a code after 5 wrong guesses', async () => {
    const t = testAuth({ emailVerification: { method: 'code' } });
    const { userId } = await registeredUser(t);
    const code = codeIn(await requestChange(t, userId));
    for (let guess = 0; guess < 5; guess += 1) await caught(t.auth.confirmEmailChange({ userId, code: wrongCode(code) }));
    expect((await caught(t.auth.confirmEmailChange({ userId, code }))).code).toBe('TOKEN_INVALID');
    expect((await t.store.findUserById(userId))?.email).toBe('ada@example.com');
  });

  it('accepts a link 1 ms before it expires (24 h) and refuses it exactly at expiry', async () => {
    const t = testAuth();
    const ada = await registeredUser(t);
    const grace = await registeredUser(t, 'grace@example.com');
    const early = tokenIn(await requestChange(t, ada.userId, 'ada@new.example'));
    await t.auth.requestEmailChange({ userId: grace.userId, password: PASSWORD, newEmail: 'grace@new.example' });
    const late = tokenIn(await mailTo(t, 'grace@new.example'));
    t.clock.advance(24 * HOUR - 1);
    await expect(t.auth.confirmEmailChange({ token: early })).resolves.toBeDefined();
    t.clock.advance(1);
    expect((await caught(t.auth.confirmEmailChange({ token: late }))).code).toBe('TOKEN_EXPIRED');
  });

  it('works once, and exactly one of two concurrent uses succeeds', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const token = tokenIn(await requestChange(t, userId));
    const outcomes = await Promise.allSettled([t.auth.confirmEmailChange({ token }), t.auth.confirmEmailChange({ token })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await caught(t.auth.confirmEmailChange({ token }))).code).toBe('TOKEN_INVALID');
    expect((await mailsTo(t, 'ada@example.com')).filter((m) => m.subject.includes('was changed'))).toHaveLength(1);
  });

  it('voids only the newest request: an earlier link stops working', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const first = tokenIn(await requestChange(t, userId, 'first@example.com'));
    await requestChange(t, userId, 'second@example.com');
    expect((await caught(t.auth.confirmEmailChange({ token: first }))).code).toBe('TOKEN_INVALID');
  });

  it('voids reset and verification tokens sent to the old address', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const verification = tokenIn(await mailTo(t, 'ada@example.com'));
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const reset = tokenIn(await mailTo(t, 'ada@example.com'));
    const change = tokenIn(await requestChange(t, user.id));
    await t.auth.confirmEmailChange({ token: change });
    expect((await caught(t.auth.confirmPasswordReset({ token: reset, password: 'Attacker-Choice-99' }))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.verifyEmail({ token: verification }))).code).toBe('TOKEN_INVALID');
    await expect(t.auth.login({ email: 'ada@new.example', password: PASSWORD })).resolves.toBeDefined();
  });

  it('refuses a token of another purpose, and a disabled account', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const reset = tokenIn(await mailTo(t, 'ada@example.com'));
    expect((await caught(t.auth.confirmEmailChange({ token: reset }))).code).toBe('TOKEN_INVALID');
    const token = tokenIn(await requestChange(t, userId));
    // Disabled behind Gatehouse's back (an admin script writing the row): the account is refused.
    await t.store.updateUser(userId, { status: 'disabled', updatedAt: t.clock.now() });
    expect((await caught(t.auth.confirmEmailChange({ token }))).code).toBe('ACCOUNT_DISABLED');
  });

  it('a disable voids a pending change for good: the link stays dead after the account is enabled again', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const token = tokenIn(await requestChange(t, userId));
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    await t.auth.setUserStatus({ userId, status: 'active' });
    expect((await caught(t.auth.confirmEmailChange({ token }))).code).toBe('TOKEN_INVALID');
    expect((await t.store.findUserById(userId))?.email).toBe('ada@example.com');
  });
});
