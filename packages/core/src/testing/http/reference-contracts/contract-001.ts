// Document 001: Express-style `/api/v1/auth`, camelCase, `{ success, message, data }`, email
// verification by a link whose token is a path segment (`GET /verify-email/{token}`). The document
// gives few statuses and few response bodies: where it is silent, a client checks for a 2xx and
// `success: true` (or a 4xx and `success: false`).
import { describe, expect, test } from 'vitest';
import { contract001 } from '../../../contracts/index.js';
import { APP_URL, type ContractMount } from '../suite-app.js';
import { ISO_DATE, expectRefusal, expectStatus, expectSuccess, jwtLifetime, keys, linksIn, linkToken, referenceApp, type ReferenceApp } from './harness.js';

// The document's own example values.
const EMAIL = 'john@example.com';
const PASSWORD = 'securePassword123';
const NEW_PASSWORD = 'newSecurePassword123';
const REGISTRATION = { firstName: 'John', lastName: 'Doe', email: EMAIL, password: PASSWORD };
const BASE = '/api/v1/auth';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Registers, verifies by GETting the emailed link's path, and logs in. */
async function signedIn(app: ReferenceApp): Promise<Tokens> {
  expectSuccess(await app.send('POST', `${BASE}/register`, { body: REGISTRATION }));
  const link = new URL(linksIn(await app.mailTo(EMAIL))[0] ?? '');
  expectSuccess(await app.send('GET', link.pathname));
  const login = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
  expectStatus(login, 200);
  return login.json.data.tokens;
}

export function contract001Tests(mount: ContractMount): void {
  describe('001: Express-style /api/v1/auth, { success, message, data }', () => {
    test('register, verify by GETting the emailed link, log in and read /me', async () => {
      const app = await referenceApp(mount, contract001);
      const registered = await app.send('POST', `${BASE}/register`, { body: REGISTRATION });
      expectSuccess(registered);
      expect(registered.json.success).toBe(true);

      // "Verification emails are sent automatically upon registration": the link is the API's own route.
      const mail = await app.mailTo(EMAIL);
      const link = linksIn(mail)[0] ?? '';
      expect(link).toMatch(/^https:\/\/app\.example\.com\/api\/v1\/auth\/verify-email\/[^/?#]+$/);
      const token = linkToken(mail);
      expect(link).toBe(`${APP_URL}/api/v1/auth/verify-email/${token}`);
      const verified = await app.send('GET', `${BASE}/verify-email/${token}`);
      expectSuccess(verified);
      expect(verified.json.success).toBe(true);

      const login = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
      expectStatus(login, 200);
      expect(keys(login.json)).toEqual(['data', 'message', 'success']);
      expect(login.json).toMatchObject({ success: true, message: 'Login successful' });
      expect(keys(login.json.data)).toEqual(['tokens', 'user']);
      expect(keys(login.json.data.tokens)).toEqual(['accessToken', 'refreshToken']);
      expect(login.json.data.tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String) });
      // The document's login user is `{ id, email, firstName }`.
      expect(keys(login.json.data.user)).toEqual(['email', 'firstName', 'id']);
      expect(login.json.data.user).toEqual({ id: expect.any(String), email: EMAIL, firstName: 'John' });
      // "Access Token - Short-lived token for API access (expires in 15 minutes)"
      expect(jwtLifetime(login.json.data.tokens.accessToken)).toBe(15 * 60);

      const me = await app.send('GET', `${BASE}/me`, { token: login.json.data.tokens.accessToken });
      expectStatus(me, 200);
      expect(keys(me.json)).toEqual(['data', 'success']);
      expect(me.json.success).toBe(true);
      expect(keys(me.json.data)).toEqual(['user']);
      expect(keys(me.json.data.user)).toEqual(['createdAt', 'email', 'firstName', 'id', 'isEmailVerified', 'lastName']);
      expect(me.json.data.user).toEqual({
        id: login.json.data.user.id,
        firstName: 'John',
        lastName: 'Doe',
        email: EMAIL,
        isEmailVerified: true,
        createdAt: expect.stringMatching(ISO_DATE),
      });
    });

    test('refresh with { refreshToken }, then logout invalidates the tokens', async () => {
      const app = await referenceApp(mount, contract001);
      const tokens = await signedIn(app);

      const refreshed = await app.send('POST', `${BASE}/refresh`, { body: { refreshToken: tokens.refreshToken } });
      expectSuccess(refreshed);
      expect(refreshed.json.success).toBe(true);
      // The document shows no refresh response; a client built on it expects the login's `data.tokens`.
      expect(keys(refreshed.json.data.tokens)).toEqual(['accessToken', 'refreshToken']);
      const fresh = refreshed.json.data.tokens as Tokens;
      expectStatus(await app.send('GET', `${BASE}/me`, { token: fresh.accessToken }), 200);

      const logout = await app.send('POST', `${BASE}/logout`, { token: fresh.accessToken });
      expectSuccess(logout);
      expect(logout.json.success).toBe(true);
      // "Logout and invalidate tokens": the access token and the refresh token.
      const me = await app.send('GET', `${BASE}/me`, { token: fresh.accessToken });
      expectStatus(me, 401);
      expect(me.json.success).toBe(false);
      const again = await app.send('POST', `${BASE}/refresh`, { body: { refreshToken: fresh.refreshToken } });
      expectStatus(again, 401);
      expect(again.json.success).toBe(false);
    });

    test('forgot-password, then reset-password with the mailed token and newPassword', async () => {
      const app = await referenceApp(mount, contract001);
      await signedIn(app);
      const forgot = await app.send('POST', `${BASE}/forgot-password`, { body: { email: EMAIL } });
      expectSuccess(forgot);
      expect(forgot.json.success).toBe(true);

      const reset = await app.send('POST', `${BASE}/reset-password`, { body: { token: linkToken(await app.mailTo(EMAIL)), newPassword: NEW_PASSWORD } });
      expectSuccess(reset);
      expect(reset.json.success).toBe(true);

      const old = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
      expectStatus(old, 401);
      expect(old.json.success).toBe(false);
      expectStatus(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: NEW_PASSWORD } }), 200);
    });

    test('PATCH change-password and PATCH profile', async () => {
      const app = await referenceApp(mount, contract001);
      const tokens = await signedIn(app);

      const changed = await app.send('PATCH', `${BASE}/change-password`, { token: tokens.accessToken, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
      expectSuccess(changed);
      expect(changed.json.success).toBe(true);
      const login = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: NEW_PASSWORD } });
      expectStatus(login, 200);
      const access = login.json.data.tokens.accessToken as string;

      const profile = await app.send('PATCH', `${BASE}/profile`, { token: access, body: { firstName: 'Jane', lastName: 'Smith' } });
      expectSuccess(profile);
      expect(profile.json.success).toBe(true);
      const me = await app.send('GET', `${BASE}/me`, { token: access });
      expectStatus(me, 200);
      expect(me.json.data.user).toMatchObject({ firstName: 'Jane', lastName: 'Smith', email: EMAIL });
    });

    test('password rules: at least 8 characters with an uppercase letter, a lowercase letter and a number', async () => {
      const app = await referenceApp(mount, contract001);
      for (const password of ['Short1a', 'nouppercase123', 'NOLOWERCASE123', 'NoNumbersHere']) {
        const refused = await app.send('POST', `${BASE}/register`, { body: { ...REGISTRATION, password } });
        expectRefusal(refused);
        expect(refused.json.success, password).toBe(false);
      }
      expectSuccess(await app.send('POST', `${BASE}/register`, { body: REGISTRATION }));
    });
  });
}
