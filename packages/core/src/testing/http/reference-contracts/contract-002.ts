// Document 002: `{ status: "success" | "error", data | message, errors: [{ field, message }] }`,
// snake_case, password confirmations, 422 validation, 429 with `retry_after`, one session per
// user. The document is ambiguous about paths: its base URL is `https://api.example.com/v1/auth`
// and its endpoints are written `/auth/register`; we follow the preset's base path, `/v1/auth`
// (the base URL's path prefix `/v1` plus the endpoints as written). Success statuses are not
// given, so a client checks for a 2xx there.
import { describe, expect, test } from 'vitest';
import { contract002 } from '../../../contracts/index.js';
import type { ContractMount } from '../suite-app.js';
import { ISO_DATE, expectStatus, expectSuccess, jwtLifetime, keys, linkToken, referenceApp, type Answer, type ReferenceApp } from './harness.js';

const BASE = '/v1/auth';
const EMAIL = 'jane@example.com';
// Eight characters or more, upper and lower case, a number and a special character.
const PASSWORD = 'Secure-Pass1';
const NEW_PASSWORD = 'Newer-Pass2';
const REGISTRATION = { email: EMAIL, password: PASSWORD, password_confirmation: PASSWORD, first_name: 'Jane', last_name: 'Doe', phone: '+15550100' };
const USER_KEYS = ['created_at', 'email', 'first_name', 'id', 'last_name', 'phone'];

interface Tokens {
  access: string;
  refresh: string;
}

/** Expects `{ status: "success", data: { user, tokens } }`, as register and login answer. */
function expectUserAndTokens(answer: Answer): void {
  expect(keys(answer.json)).toEqual(['data', 'status']);
  expect(answer.json.status).toBe('success');
  expect(keys(answer.json.data)).toEqual(['tokens', 'user']);
  expect(keys(answer.json.data.user)).toEqual(USER_KEYS);
  expect(answer.json.data.user).toEqual({ id: expect.any(String), email: EMAIL, first_name: 'Jane', last_name: 'Doe', phone: '+15550100', created_at: expect.stringMatching(ISO_DATE) });
  expect(keys(answer.json.data.tokens)).toEqual(['access', 'refresh']);
  expect(answer.json.data.tokens).toEqual({ access: expect.any(String), refresh: expect.any(String) });
}

/** Expects the document's 422: `{ status: "error", message: "Validation failed", errors: [{ field, message }] }` naming one of `fields`. */
function expectValidationError(answer: Answer, fields: string[]): void {
  expectStatus(answer, 422);
  expect(keys(answer.json)).toEqual(['errors', 'message', 'status']);
  expect(answer.json).toMatchObject({ status: 'error', message: 'Validation failed' });
  expect(answer.json.errors.length).toBeGreaterThan(0);
  for (const error of answer.json.errors) {
    expect(keys(error)).toEqual(['field', 'message']);
    expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
  expect(answer.json.errors.some((error: { field: string }) => fields.includes(error.field)), JSON.stringify(answer.json.errors)).toBe(true);
}

/** Expects the document's 429: `{ status: "error", message: "Too many requests", retry_after }`. */
function expectTooMany(answer: Answer, window: number): void {
  expectStatus(answer, 429);
  expect(keys(answer.json)).toEqual(['message', 'retry_after', 'status']);
  expect(answer.json).toMatchObject({ status: 'error', message: 'Too many requests' });
  expect(typeof answer.json.retry_after).toBe('number');
  expect(answer.json.retry_after).toBeGreaterThan(0);
  expect(answer.json.retry_after).toBeLessThanOrEqual(window);
}

async function registered(app: ReferenceApp): Promise<Tokens> {
  const answer = await app.send('POST', `${BASE}/register`, { body: REGISTRATION });
  expectSuccess(answer);
  return answer.json.data.tokens;
}

async function login(app: ReferenceApp, password = PASSWORD): Promise<Tokens> {
  const answer = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password } });
  expectStatus(answer, 200);
  return answer.json.data.tokens;
}

export function contract002Tests(mount: ContractMount): void {
  describe('002: { status, data | message, errors }, snake_case, confirmations', () => {
    test('register answers the user and tokens, and the access token reads the profile', async () => {
      const app = await referenceApp(mount, contract002);
      const answer = await app.send('POST', `${BASE}/register`, { body: REGISTRATION });
      expectSuccess(answer);
      expectUserAndTokens(answer);
      // "Access tokens expire in 15 minutes"
      expect(jwtLifetime(answer.json.data.tokens.access)).toBe(15 * 60);

      const profile = await app.send('GET', `${BASE}/profile`, { token: answer.json.data.tokens.access });
      expectStatus(profile, 200);
      expect(keys(profile.json)).toEqual(['data', 'status']);
      expect(profile.json.status).toBe('success');
      expect(keys(profile.json.data)).toEqual(['user']);
      expect(profile.json.data.user).toEqual(answer.json.data.user);
    });

    test('login, refresh for new tokens, logout; wrong password and dead tokens answer 401', async () => {
      const app = await referenceApp(mount, contract002);
      await registered(app);
      const wrong = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: 'Wrong-Pass9' } });
      expectStatus(wrong, 401);
      expect(wrong.json).toEqual({ status: 'error', message: 'Invalid credentials' });

      const answer = await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } });
      expectStatus(answer, 200);
      expectUserAndTokens(answer);

      const refreshed = await app.send('POST', `${BASE}/token/refresh`, { body: { refresh: answer.json.data.tokens.refresh } });
      expectStatus(refreshed, 200);
      expect(keys(refreshed.json)).toEqual(['data', 'status']);
      expect(refreshed.json.status).toBe('success');
      expect(keys(refreshed.json.data)).toEqual(['tokens']);
      expect(keys(refreshed.json.data.tokens)).toEqual(['access', 'refresh']);
      const tokens = refreshed.json.data.tokens as Tokens;
      expectStatus(await app.send('GET', `${BASE}/profile`, { token: tokens.access }), 200);

      const logout = await app.send('POST', `${BASE}/logout`, { token: tokens.access });
      expectStatus(logout, 200);
      expect(logout.json).toEqual({ status: 'success', message: 'Successfully logged out' });
      const dead = await app.send('GET', `${BASE}/profile`, { token: tokens.access });
      expectStatus(dead, 401);
      expect(keys(dead.json)).toEqual(['message', 'status']);
      expect(dead.json.status).toBe('error');
    });

    test('one active session per user: a new login ends the previous session', async () => {
      const app = await referenceApp(mount, contract002);
      await registered(app);
      const first = await login(app);
      const second = await login(app);
      expectStatus(await app.send('GET', `${BASE}/profile`, { token: first.access }), 401);
      expectStatus(await app.send('POST', `${BASE}/token/refresh`, { body: { refresh: first.refresh } }), 401);
      expectStatus(await app.send('GET', `${BASE}/profile`, { token: second.access }), 200);
    });

    test('password reset: request, then confirm with the mailed token and a confirmation', async () => {
      const app = await referenceApp(mount, contract002);
      await registered(app);
      const requested = await app.send('POST', `${BASE}/password/reset`, { body: { email: EMAIL } });
      expectStatus(requested, 200);
      expect(requested.json).toEqual({ status: 'success', message: 'Password reset email sent successfully' });

      const token = linkToken(await app.mailTo(EMAIL));
      const confirmed = await app.send('POST', `${BASE}/password/reset/confirm`, { body: { token, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD } });
      expectStatus(confirmed, 200);
      expect(confirmed.json).toEqual({ status: 'success', message: 'Password reset successfully' });

      expectStatus(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } }), 401);
      await login(app, NEW_PASSWORD);
    });

    test('change password with confirmation, and PUT the profile', async () => {
      const app = await referenceApp(mount, contract002);
      const tokens = await registered(app);
      const changed = await app.send('POST', `${BASE}/password/change`, {
        token: tokens.access,
        body: { current_password: PASSWORD, new_password: NEW_PASSWORD, new_password_confirmation: NEW_PASSWORD },
      });
      expectStatus(changed, 200);
      expect(changed.json).toEqual({ status: 'success', message: 'Password changed successfully' });
      const fresh = await login(app, NEW_PASSWORD);

      const changes = { first_name: 'Janet', last_name: 'Smith', phone: '+15550199' };
      const updated = await app.send('PUT', `${BASE}/profile`, { token: fresh.access, body: changes });
      expectStatus(updated, 200);
      expect(keys(updated.json)).toEqual(['data', 'status']);
      expect(updated.json.status).toBe('success');
      expect(keys(updated.json.data)).toEqual(['user']);
      expect(keys(updated.json.data.user)).toEqual(USER_KEYS);
      expect(updated.json.data.user).toMatchObject({ email: EMAIL, ...changes });
      const profile = await app.send('GET', `${BASE}/profile`, { token: fresh.access });
      expect(profile.json.data.user).toMatchObject(changes);
    });

    test('validation answers 422 "Validation failed" with errors [{ field, message }]', async () => {
      const app = await referenceApp(mount, contract002);
      // Which field carries a confirmation mismatch is not said: Laravel puts it on `password`.
      expectValidationError(await app.send('POST', `${BASE}/register`, { body: { ...REGISTRATION, password_confirmation: 'Other-Pass1' } }), ['password', 'password_confirmation']);
      // "At least one special character"
      expectValidationError(await app.send('POST', `${BASE}/register`, { body: { ...REGISTRATION, password: 'SecurePass1', password_confirmation: 'SecurePass1' } }), ['password']);
      await registered(app);
      // An email already taken: 422 is the document's status for a field that fails validation.
      expectValidationError(await app.send('POST', `${BASE}/register`, { body: REGISTRATION }), ['email']);
    });

    test('login attempts: 5 per minute, then 429 with retry_after', async () => {
      const app = await referenceApp(mount, contract002);
      await registered(app);
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expectStatus(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: `Wrong-Pass${attempt}` } }), 401);
      }
      expectTooMany(await app.send('POST', `${BASE}/login`, { body: { email: EMAIL, password: PASSWORD } }), 60);
    });

    test('password reset requests: 3 per hour, then 429 with retry_after', async () => {
      const app = await referenceApp(mount, contract002);
      for (let request = 1; request <= 3; request += 1) {
        expectStatus(await app.send('POST', `${BASE}/password/reset`, { body: { email: EMAIL } }), 200);
      }
      expectTooMany(await app.send('POST', `${BASE}/password/reset`, { body: { email: EMAIL } }), 60 * 60);
    });
  });
}
