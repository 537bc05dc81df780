import { describe, expect, it } from 'vitest';
import { mailTo, tokenIn } from '../test-support/mail-fixtures.js';
import { PASSWORD, caught, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';

const EMAIL = 'ada@example.com';
const NEW_PASSWORD = 'Brand-New-Secret-77';
const HOUR = 3_600_000;

async function loggedIn(t: TestAuth): Promise<{ userId: string; sessionId: string }> {
  const { userId } = await registeredUser(t);
  const { tokens } = await t.auth.login({ email: EMAIL, password: PASSWORD, ip: '203.0.113.9' });
  const { sessionId } = await t.auth.authenticate(tokens.accessToken);
  return { userId, sessionId };
}

function lockedAfterThree(): TestAuth {
  return testAuth({ rateLimits: { lockout: { threshold: 3, window: '1h' } } });
}

describe('reauthenticate and the account lockout (bug: wrong current passwords never counted toward it)', () => {
  it('wrong current passwords in changePassword lock the account, for login too', async () => {
    const t = lockedAfterThree();
    const { userId, sessionId } = await loggedIn(t);
    for (let i = 0; i < 3; i += 1) {
      const error = await caught(t.auth.changePassword({ userId, sessionId, currentPassword: `Wrong-Password-${i}`, newPassword: NEW_PASSWORD }));
      expect(error.code).toBe('INVALID_CREDENTIALS');
    }
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'account.locked' }));

    // The right password no longer logs in: the same answer as a wrong one.
    expect((await caught(t.auth.login({ email: EMAIL, password: PASSWORD, ip: '198.51.100.7' }))).code).toBe('INVALID_CREDENTIALS');
    // Nor does it pass re-authentication, refused as a wrong password, after the same hashing work.
    const verifies = t.hasher.calls.verify;
    const refused = await caught(t.auth.changePassword({ userId, sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD }));
    expect(refused.code).toBe('INVALID_CREDENTIALS');
    expect(refused.message).toBe('The current password is wrong.');
    expect(t.hasher.calls.verify - verifies).toBe(1);
    expect(t.events.filter((event) => event.type === 'password.check_failed')).toHaveLength(4);

    // The lockout is temporary: once its window ends, the right password works again.
    t.clock.advance(HOUR);
    await expect(t.auth.changePassword({ userId, sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).resolves.toBeUndefined();
    await expect(t.auth.login({ email: EMAIL, password: NEW_PASSWORD, ip: '198.51.100.7' })).resolves.toHaveProperty('tokens');
  });

  it('wrong passwords in requestEmailChange count too, in the same budget as failed logins', async () => {
    const t = lockedAfterThree();
    const { userId } = await loggedIn(t);
    expect((await caught(t.auth.login({ email: EMAIL, password: 'Wrong-Password-0', ip: '198.51.100.7' }))).code).toBe('INVALID_CREDENTIALS');
    for (let i = 1; i < 3; i += 1) {
      expect((await caught(t.auth.requestEmailChange({ userId, password: `Wrong-Password-${i}`, newEmail: 'ada@new.example' }))).code).toBe('INVALID_CREDENTIALS');
    }
    expect((await caught(t.auth.requestEmailChange({ userId, password: PASSWORD, newEmail: 'ada@new.example' }))).code).toBe('INVALID_CREDENTIALS');
    expect((await caught(t.auth.login({ email: EMAIL, password: PASSWORD, ip: '198.51.100.7' }))).code).toBe('INVALID_CREDENTIALS');
  });

  it('never blocks a password reset, which lifts the lockout', async () => {
    const t = lockedAfterThree();
    const { userId, sessionId } = await loggedIn(t);
    for (let i = 0; i < 3; i += 1) {
      await caught(t.auth.changePassword({ userId, sessionId, currentPassword: `Wrong-Password-${i}`, newPassword: NEW_PASSWORD }));
    }
    expect((await caught(t.auth.login({ email: EMAIL, password: PASSWORD, ip: '198.51.100.7' }))).code).toBe('INVALID_CREDENTIALS');

    await t.auth.requestPasswordReset({ email: EMAIL });
    const token = tokenIn(await mailTo(t, EMAIL));
    await expect(t.auth.confirmPasswordReset({ token, password: NEW_PASSWORD })).resolves.toBeUndefined();
    await expect(t.auth.login({ email: EMAIL, password: NEW_PASSWORD, ip: '198.51.100.7' })).resolves.toHaveProperty('tokens');
  });

  it('keeps its own per-account limit: the sixth check in a minute is RATE_LIMITED, before any hashing', async () => {
    const t = testAuth();
    const { userId, sessionId } = await loggedIn(t);
    for (let i = 0; i < 5; i += 1) {
      await caught(t.auth.changePassword({ userId, sessionId, currentPassword: `Wrong-Password-${i}`, newPassword: NEW_PASSWORD }));
    }
    const verifies = t.hasher.calls.verify;
    expect((await caught(t.auth.changePassword({ userId, sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD }))).code).toBe('RATE_LIMITED');
    expect(t.hasher.calls.verify).toBe(verifies);
  });
});
