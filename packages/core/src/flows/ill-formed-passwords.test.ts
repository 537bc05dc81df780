import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { mailTo, tokenIn } from '../test-support/mail-fixtures.js';

// Two passwords that differ only in a lone UTF-16 surrogate. Encoded as UTF-8 for the hasher,
// each lone surrogate becomes U+FFFD, so before the fix both hashed alike.
const ILL_FORMED = 'Correct-Horse-42\ud800';
const OTHER_ILL_FORMED = 'Correct-Horse-42\udfff';
const INVALID_UNICODE = { code: 'invalid_unicode', message: expect.stringMatching(/Unicode/) };

describe('passwords that are not well-formed Unicode (bug: lone surrogates collapsed to U+FFFD, so different passwords logged in alike)', () => {
  it('register refuses one with VALIDATION_FAILED on the password field, and creates no account', async () => {
    const t = testAuth();
    const error = await caught(t.auth.register({ email: 'ada@example.com', password: ILL_FORMED }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([{ field: 'password', ...INVALID_UNICODE }]);
    expect(await t.store.findUserByEmail('ada@example.com')).toBeNull();
    expect(t.hasher.calls.hash).toBe(0);
  });

  it('a password stored before the fix can no longer be matched by another ill-formed one at login', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    // An account whose password was set from an ill-formed string before the fix.
    await t.store.updateUser(userId, { passwordHash: await t.hasher.hash(ILL_FORMED), updatedAt: t.clock.now() });
    const verifies = t.hasher.calls.verify;

    for (const password of [OTHER_ILL_FORMED, ILL_FORMED]) {
      const error = await caught(t.auth.login({ email: 'ada@example.com', password }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.fields).toEqual([{ field: 'password', ...INVALID_UNICODE }]);
    }
    expect(t.hasher.calls.verify).toBe(verifies);
  });

  it('reset confirm, change password (both fields) and change email refuse them on their own fields', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const { sessionId } = await t.auth.authenticate(tokens.accessToken);

    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const token = tokenIn(await mailTo(t, 'ada@example.com'));
    const reset = await caught(t.auth.confirmPasswordReset({ token, password: ILL_FORMED }));
    expect(reset.code).toBe('VALIDATION_FAILED');
    expect(reset.fields).toEqual([{ field: 'password', ...INVALID_UNICODE }]);

    const change = await caught(t.auth.changePassword({ userId, sessionId, currentPassword: OTHER_ILL_FORMED, newPassword: ILL_FORMED }));
    expect(change.code).toBe('VALIDATION_FAILED');
    expect(change.fields).toEqual([
      { field: 'currentPassword', ...INVALID_UNICODE },
      { field: 'newPassword', ...INVALID_UNICODE },
    ]);

    const email = await caught(t.auth.requestEmailChange({ userId, password: ILL_FORMED, newEmail: 'ada@new.example' }));
    expect(email.code).toBe('VALIDATION_FAILED');
    expect(email.fields).toEqual([{ field: 'password', ...INVALID_UNICODE }]);

    // Nothing changed: the reset token still works with a valid password.
    await expect(t.auth.confirmPasswordReset({ token, password: 'Brand-New-Secret-77' })).resolves.toBeUndefined();
  });

  it('still accepts well-formed passwords outside the BMP (a valid surrogate pair)', async () => {
    const t = testAuth();
    await registeredUser(t, 'ada@example.com', 'Correct-Horse-42-🔒');
    await expect(t.auth.login({ email: 'ada@example.com', password: 'Correct-Horse-42-🔒' })).resolves.toHaveProperty('tokens');
  });
});
