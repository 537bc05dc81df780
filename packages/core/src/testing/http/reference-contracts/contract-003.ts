// Document 003: Laravel-style `{{url}}/api/auth`, `{ statusCode, message, data }`, camelCase,
// `role` and `status` (PENDING, then ACTIVE), verification by a numeric code, the app-level
// `Api-Token` and `channel` headers on every call, refresh with the bearer token.
import { describe, expect, test } from 'vitest';
import { contract003 } from '../../../contracts/index.js';
import type { ContractMount } from '../suite-app.js';
import { codeIn, expectRefusal, expectStatus, keys, linkToken, referenceApp, type ReferenceApp } from './harness.js';

const BASE = '/api/auth';
// Every call of the document carries them; their values are the app's, not the document's.
const APP_HEADERS = { 'Api-Token': 'mobile-app-api-token', channel: 'mobile' };
// The document's own example values.
const EMAIL = 'user@example.com';
const PASSWORD = 'password123';
const NEW_PASSWORD = 'new_password';
const REGISTRATION = { firstName: 'John', lastName: 'Doe', email: EMAIL, password: PASSWORD, passwordConfirmation: PASSWORD, phoneNumber: '+1234567890' };
// Laravel's dates: `2025-05-17T07:19:32.000000Z`.
const LARAVEL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The document's example code is `123456`.
const CODE = /^\d{6}$/;

async function app003(mount: ContractMount): Promise<ReferenceApp> {
  return referenceApp(mount, contract003, { headers: APP_HEADERS });
}

/** Registers, verifies with the mailed code and logs in; returns the login's token. */
async function signedIn(app: ReferenceApp): Promise<string> {
  expectStatus(await app.send('POST', `${BASE}/register`, { body: REGISTRATION }), 201);
  expectStatus(await app.send('POST', `${BASE}/verify-email`, { body: { verificationCode: codeIn(await app.mailTo(EMAIL), CODE) } }), 200);
  const login = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
  expectStatus(login, 200);
  return login.json.data.token;
}

export function contract003Tests(mount: ContractMount): void {
  describe('003: Laravel-style, { statusCode, message, data }, Api-Token and channel headers', () => {
    test('register (PENDING), verify with the mailed code sent alone, log in (ACTIVE)', async () => {
      const app = await app003(mount);
      const registered = await app.send('POST', `${BASE}/register`, { body: REGISTRATION });
      expectStatus(registered, 201);
      expect(keys(registered.json)).toEqual(['data', 'message', 'statusCode']);
      expect(registered.json).toMatchObject({ statusCode: 201, message: 'Registration successful' });
      expect(keys(registered.json.data)).toEqual(['token', 'user']);
      expect(typeof registered.json.data.token).toBe('string');
      expect(keys(registered.json.data.user)).toEqual(['createdAt', 'email', 'firstName', 'lastName', 'role', 'status', 'uuid']);
      expect(registered.json.data.user).toEqual({
        uuid: expect.stringMatching(UUID),
        firstName: 'John',
        lastName: 'Doe',
        email: EMAIL,
        role: 'USER',
        status: 'PENDING',
        createdAt: expect.stringMatching(LARAVEL_DATE),
      });
      const uuid = registered.json.data.user.uuid as string;

      // The code alone, with the app headers only: no Authorization, no email.
      const code = codeIn(await app.mailTo(EMAIL), CODE);
      const verified = await app.send('POST', `${BASE}/verify-email`, { body: { verificationCode: code } });
      expectStatus(verified, 200);
      expect(keys(verified.json)).toEqual(['data', 'message', 'statusCode']);
      expect(verified.json).toMatchObject({ statusCode: 200, message: 'Email verified successfully' });
      expect(keys(verified.json.data)).toEqual(['user']);
      expect(keys(verified.json.data.user)).toEqual(['emailVerifiedAt', 'status', 'uuid']);
      expect(verified.json.data.user).toEqual({ uuid, status: 'ACTIVE', emailVerifiedAt: expect.stringMatching(LARAVEL_DATE) });

      const login = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
      expectStatus(login, 200);
      expect(keys(login.json)).toEqual(['data', 'message', 'statusCode']);
      expect(login.json).toMatchObject({ statusCode: 200, message: 'Login successful' });
      expect(keys(login.json.data)).toEqual(['token', 'user']);
      expect(typeof login.json.data.token).toBe('string');
      expect(keys(login.json.data.user)).toEqual(['email', 'firstName', 'lastName', 'profileImage', 'role', 'status', 'uuid']);
      expect(login.json.data.user).toMatchObject({ uuid, firstName: 'John', lastName: 'Doe', email: EMAIL, role: 'USER', status: 'ACTIVE' });
      // The document shows an uploaded image `{ name, link }`; a user who uploaded none has no
      // image to show, and the document does not say how that looks: `null` or that object.
      const image: unknown = login.json.data.user.profileImage;
      if (image !== null) expect(keys(image)).toEqual(['link', 'name']);
    });

    test('refresh-token with the bearer token; logout; the token no longer works', async () => {
      const app = await app003(mount);
      const token = await signedIn(app);

      const refreshed = await app.send('POST', `${BASE}/refresh-token`, { token });
      expectStatus(refreshed, 200);
      expect(keys(refreshed.json)).toEqual(['data', 'message', 'statusCode']);
      expect(refreshed.json).toMatchObject({ statusCode: 200, message: 'Token refreshed' });
      expect(keys(refreshed.json.data)).toEqual(['token']);
      const fresh = refreshed.json.data.token as string;
      expect(typeof fresh).toBe('string');

      const logout = await app.send('POST', `${BASE}/logout`, { token: fresh });
      expectStatus(logout, 200);
      expect(logout.json).toEqual({ statusCode: 200, message: 'Logout successful' });
      const dead = await app.send('POST', `${BASE}/refresh-token`, { token: fresh });
      expectStatus(dead, 401);
      expect(dead.json.statusCode).toBe(401);
    });

    test('forgot-password, then reset-password with the mailed token and a confirmation', async () => {
      const app = await app003(mount);
      await signedIn(app);
      const forgot = await app.send('POST', `${BASE}/forgot-password`, { body: { email: EMAIL } });
      expectStatus(forgot, 200);
      expect(forgot.json).toEqual({ statusCode: 200, message: 'Password reset link has been sent to your email' });

      const token = linkToken(await app.mailTo(EMAIL));
      const reset = await app.send('POST', `${BASE}/reset-password`, { body: { token, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD } });
      expectStatus(reset, 200);
      expect(reset.json).toEqual({ statusCode: 200, message: 'Password has been reset' });

      expectRefusal(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } }));
      expectStatus(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: NEW_PASSWORD } }), 200);
    });

    test('refusals keep the envelope: a wrong code, a wrong password', async () => {
      const app = await app003(mount);
      expectStatus(await app.send('POST', `${BASE}/register`, { body: REGISTRATION }), 201);
      const mailed = codeIn(await app.mailTo(EMAIL), CODE);
      const wrongCode = await app.send('POST', `${BASE}/verify-email`, { body: { verificationCode: mailed === '000000' ? '111111' : '000000' } });
      expectRefusal(wrongCode);
      expect(wrongCode.json).toMatchObject({ statusCode: wrongCode.status, message: expect.any(String) });

      const wrongPassword = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: 'password124' } });
      expectRefusal(wrongPassword);
      expect(wrongPassword.json).toMatchObject({ statusCode: wrongPassword.status, message: expect.any(String) });
    });
  });
}
