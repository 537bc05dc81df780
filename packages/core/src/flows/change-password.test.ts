import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { mailTo, tokenIn } from '../test-support/mail-fixtures.js';

const NEW_PASSWORD = 'Brand-New-Secret-77';

describe('changePassword', () => {
  it('changes the password, ends the other sessions, keeps the current one and notifies', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const current = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const other = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });

    await expect(
      t.auth.changePassword({ userId, sessionId: current.tokens.sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
    ).resolves.toBeUndefined();

    expect((await caught(t.auth.authenticate(other.tokens.accessToken))).code).toBe('TOKEN_INVALID');
    expect((await caught(t.auth.refresh({ refreshToken: other.tokens.refreshToken }))).code).toBe('TOKEN_INVALID');
    expect((await t.auth.authenticate(current.tokens.accessToken)).sessionId).toBe(current.tokens.sessionId);
    await expect(t.auth.refresh({ refreshToken: current.tokens.refreshToken })).resolves.toMatchObject({ user: { id: userId } });

    expect((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD }))).code).toBe('INVALID_CREDENTIALS');
    await expect(t.auth.login({ email: 'ada@example.com', password: NEW_PASSWORD })).resolves.toBeDefined();

    const notice = await mailTo(t, 'ada@example.com');
    expect(notice.subject).toBe('Your Gatehouse password was changed');
    expect(notice.text).toContain('Every other device has been logged out');
    expect(notice.text).toContain('https://app.example.com/reset-password');
    for (const message of t.mailer.messages) {
      expect(`${message.text}${message.html}`).not.toContain(NEW_PASSWORD);
      expect(`${message.text}${message.html}`).not.toContain(PASSWORD);
    }
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'password.changed', userId }));
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'session.ended', reason: 'password_changed', count: 1 }));
  });

  it('voids outstanding reset links', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const reset = tokenIn(await mailTo(t, 'ada@example.com'));
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect((await caught(t.auth.confirmPasswordReset({ token: reset, password: 'Attacker-Choice-99' }))).code).toBe('TOKEN_INVALID');
  });

  it('refuses a wrong current password, and reports it', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const error = await caught(t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword: 'Wrong-Password-1', newPassword: NEW_PASSWORD }));
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'password.check_failed', userId, flow: 'change_password' }));
    await expect(t.auth.login({ email: 'ada@example.com', password: PASSWORD })).resolves.toBeDefined();
  });

  it('applies the password policy to the new password, on the field newPassword', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const error = await caught(t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword: PASSWORD, newPassword: 'password' }));
    expect(error.code).toBe('WEAK_PASSWORD');
    expect(error.fields?.every((issue) => issue.field === 'newPassword')).toBe(true);
    expect(error.fields?.map((issue) => issue.code)).toEqual(expect.arrayContaining(['missing_uppercase', 'missing_digit']));
  });

  it('refuses a new password equal to the current one (same_as_current)', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const error = await caught(t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword: PASSWORD, newPassword: PASSWORD }));
    expect(error.code).toBe('WEAK_PASSWORD');
    expect(error.fields).toEqual([expect.objectContaining({ field: 'newPassword', code: 'same_as_current' })]);
    expect((await t.auth.authenticate(tokens.accessToken)).userId).toBe(userId);
  });

  it('refuses a disabled or deleted account', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    const input = { userId, sessionId: 'any', currentPassword: PASSWORD, newPassword: NEW_PASSWORD };
    expect((await caught(t.auth.changePassword(input))).code).toBe('ACCOUNT_DISABLED');
    await t.auth.deleteUser({ userId });
    expect((await caught(t.auth.changePassword(input))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a missing field', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const error = await caught(t.auth.changePassword({ userId, sessionId: 's', currentPassword: PASSWORD } as never));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([expect.objectContaining({ field: 'newPassword', code: 'required' })]);
  });
});
