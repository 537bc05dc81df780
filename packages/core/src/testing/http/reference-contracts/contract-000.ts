// Document 000 (Phantom Banking): Django-style paths with trailing slashes, `{ data: … }`
// bodies in snake_case, verification by a token from the email. The document gives no statuses,
// so a client checks for a 2xx on success and a 4xx on refusal (401 for a dead access token).
import { describe, expect, test } from 'vitest';
import { contract000 } from '../../../contracts/index.js';
import type { ContractMount } from '../suite-app.js';
import { ISO_DATE, expectRefusal, expectStatus, expectSuccess, jwtLifetime, keys, linkToken, referenceApp, type ReferenceApp } from './harness.js';

// The document's own example values.
const EMAIL = 'user@example.com';
const PASSWORD = 'secure_password123';
const NEW_PASSWORD = 'new_secure_password';
const REGISTRATION = { email: EMAIL, password: PASSWORD, first_name: 'John', last_name: 'Doe', phone_number: '+1234567890' };

interface Session {
  userId: string;
  access: string;
  refresh: string;
}

/** Registers with the document's body, verifies with the mailed token and logs in. */
async function signedIn(app: ReferenceApp): Promise<Session> {
  const registered = await app.send('POST', '/auth/register/', { body: REGISTRATION });
  expectSuccess(registered);
  const verified = await app.send('POST', '/auth/verify-email/', { body: { token: linkToken(await app.mailTo(EMAIL)) } });
  expectSuccess(verified);
  const login = await app.send('POST', '/auth/login/', { body: { email: EMAIL, password: PASSWORD } });
  expectSuccess(login);
  return { userId: registered.json.data.user_id, access: login.json.data.access_token, refresh: login.json.data.refresh_token };
}

export function contract000Tests(mount: ContractMount): void {
  describe('000: Django-style, { data } envelope, trailing slashes', () => {
    test('register, verify with the mailed token, log in and read the profile', async () => {
      const app = await referenceApp(mount, contract000);
      const registered = await app.send('POST', '/auth/register/', { body: REGISTRATION });
      expectSuccess(registered);
      expect(keys(registered.json)).toEqual(['data']);
      expect(keys(registered.json.data)).toEqual(['email', 'message', 'user_id']);
      expect(registered.json.data).toEqual({ user_id: expect.any(String), email: EMAIL, message: 'Registration successful. Please verify your email.' });

      const verified = await app.send('POST', '/auth/verify-email/', { body: { token: linkToken(await app.mailTo(EMAIL)) } });
      expectSuccess(verified);
      expect(verified.json).toEqual({ data: { message: 'Email verified successfully' } });

      const login = await app.send('POST', '/auth/login/', { body: { email: EMAIL, password: PASSWORD } });
      expectSuccess(login);
      expect(keys(login.json)).toEqual(['data']);
      expect(keys(login.json.data)).toEqual(['access_token', 'expires_in', 'refresh_token']);
      expect(login.json.data).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600 });
      // `expires_in` tells the truth about the token.
      expect(jwtLifetime(login.json.data.access_token)).toBe(3600);

      const profile = await app.send('GET', '/auth/profile/', { token: login.json.data.access_token });
      expectSuccess(profile);
      expect(keys(profile.json)).toEqual(['data']);
      expect(keys(profile.json.data)).toEqual(['created_at', 'email', 'first_name', 'last_login', 'last_name', 'phone_number', 'user_id']);
      expect(profile.json.data).toEqual({
        user_id: registered.json.data.user_id,
        email: EMAIL,
        first_name: 'John',
        last_name: 'Doe',
        phone_number: '+1234567890',
        created_at: expect.stringMatching(ISO_DATE),
        // The user has just logged in.
        last_login: expect.stringMatching(ISO_DATE),
      });
    });

    test('resend-verification mails a new token that verifies', async () => {
      const app = await referenceApp(mount, contract000);
      expectSuccess(await app.send('POST', '/auth/register/', { body: REGISTRATION }));
      const resent = await app.send('POST', '/auth/resend-verification/', { body: { email: EMAIL } });
      expectSuccess(resent);
      expect(resent.json).toEqual({ data: { message: 'Verification email sent' } });
      const verified = await app.send('POST', '/auth/verify-email/', { body: { token: linkToken(await app.mailTo(EMAIL)) } });
      expectSuccess(verified);
      expect(verified.json).toEqual({ data: { message: 'Email verified successfully' } });
    });

    test('refresh answers a new access token only, and the same refresh token works again; logout kills the access token', async () => {
      const app = await referenceApp(mount, contract000);
      const session = await signedIn(app);

      const refreshed = await app.send('POST', '/auth/token/refresh/', { body: { refresh: session.refresh } });
      expectSuccess(refreshed);
      expect(keys(refreshed.json)).toEqual(['data']);
      expect(keys(refreshed.json.data)).toEqual(['access', 'expires_in']);
      expect(refreshed.json.data).toEqual({ access: expect.any(String), expires_in: 3600 });
      expectSuccess(await app.send('GET', '/auth/profile/', { token: refreshed.json.data.access }));

      // No new refresh token comes back, so the client keeps the one it has: it must work again.
      const again = await app.send('POST', '/auth/token/refresh/', { body: { refresh: session.refresh } });
      expectSuccess(again);
      expect(keys(again.json.data)).toEqual(['access', 'expires_in']);
      const access = again.json.data.access as string;
      expectSuccess(await app.send('GET', '/auth/profile/', { token: access }));

      const logout = await app.send('POST', '/auth/logout/', { token: access });
      expectSuccess(logout);
      expect(logout.json).toEqual({ data: { message: 'Successfully logged out' } });
      // "Invalidate the current access token."
      expectStatus(await app.send('GET', '/auth/profile/', { token: access }), 401);
    });

    test('password reset with the mailed token, then log in with new_secure_password', async () => {
      const app = await referenceApp(mount, contract000);
      await signedIn(app);
      const requested = await app.send('POST', '/auth/password/reset/', { body: { email: EMAIL } });
      expectSuccess(requested);
      expect(requested.json).toEqual({ data: { message: 'Password reset email sent' } });

      const confirmed = await app.send('POST', '/auth/password/reset/confirm/', { body: { token: linkToken(await app.mailTo(EMAIL)), password: NEW_PASSWORD } });
      expectSuccess(confirmed);
      expect(confirmed.json).toEqual({ data: { message: 'Password reset successful' } });

      expectRefusal(await app.send('POST', '/auth/login/', { body: { email: EMAIL, password: PASSWORD } }));
      const login = await app.send('POST', '/auth/login/', { body: { email: EMAIL, password: NEW_PASSWORD } });
      expectSuccess(login);
      expect(keys(login.json.data)).toEqual(['access_token', 'expires_in', 'refresh_token']);
    });

    test('PATCH the profile, then read it back', async () => {
      const app = await referenceApp(mount, contract000);
      const session = await signedIn(app);
      const changes = { first_name: 'Jane', last_name: 'Smith', phone_number: '+1987654321' };
      const updated = await app.send('PATCH', '/auth/profile/', { token: session.access, body: changes });
      expectSuccess(updated);
      expect(keys(updated.json)).toEqual(['data']);
      expect(keys(updated.json.data)).toEqual(['email', 'first_name', 'last_name', 'phone_number', 'updated_at', 'user_id']);
      expect(updated.json.data).toEqual({ user_id: session.userId, email: EMAIL, ...changes, updated_at: expect.stringMatching(ISO_DATE) });

      const profile = await app.send('GET', '/auth/profile/', { token: session.access });
      expectSuccess(profile);
      expect(profile.json.data).toMatchObject({ user_id: session.userId, email: EMAIL, ...changes });
    });
  });
}
