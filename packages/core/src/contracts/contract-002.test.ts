// Reference contract 002 (shared/reference-contracts/002_*.txt): `{ status, data }` /
// `{ status, message }`, errors `{ status: "error", message, errors: [{ field, message }] }`,
// snake_case, password confirmations, PUT /profile, 429 with `retry_after`, one session per
// user, a special-character rule.
import { describe, expect, it } from 'vitest';
import { contract002 } from './contract-002.js';
import { contractApp, keys } from './harness.js';

const password = 'Secure-pass1';
const registration = { email: 'ada@example.com', password, password_confirmation: password, first_name: 'Ada', last_name: 'Lovelace', phone: '+44 20 7946 0000' };

describe('reference contract 002', () => {
  it('serves every documented route with its fields and envelope', async () => {
    const app = contractApp(contract002);
    const register = await app.send('POST', '/v1/auth/register', { body: registration });
    expect(register.status).toBe(201);
    expect(keys(register.json)).toEqual(['data', 'status']);
    expect(keys(register.json.data.user)).toEqual(['created_at', 'email', 'first_name', 'id', 'last_name', 'phone']);
    expect(keys(register.json.data.tokens)).toEqual(['access', 'refresh']);

    const login = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password } });
    expect(login.json.status).toBe('success');
    expect(keys(login.json.data)).toEqual(['tokens', 'user']);

    const refresh = await app.send('POST', '/v1/auth/token/refresh', { body: { refresh: login.json.data.tokens.refresh } });
    expect(refresh.json).toEqual({ status: 'success', data: { tokens: { access: expect.any(String), refresh: expect.any(String) } } });
    const access = refresh.json.data.tokens.access as string;

    const profile = await app.send('GET', '/v1/auth/profile', { token: access });
    expect(keys(profile.json.data.user)).toEqual(['created_at', 'email', 'first_name', 'id', 'last_name', 'phone']);
    const put = await app.send('PUT', '/v1/auth/profile', { token: access, body: { first_name: 'Augusta', last_name: 'King', phone: '+44 20 7946 0001' } });
    expect(put.json.data.user).toMatchObject({ first_name: 'Augusta', last_name: 'King', phone: '+44 20 7946 0001' });

    const change = await app.send('POST', '/v1/auth/password/change', { token: access, body: { current_password: password, new_password: 'Changed-pass2', new_password_confirmation: 'Changed-pass2' } });
    expect(change.json).toEqual({ status: 'success', message: 'Password changed successfully' });

    const reset = await app.send('POST', '/v1/auth/password/reset', { body: { email: 'ada@example.com' } });
    expect(reset.json).toEqual({ status: 'success', message: 'Password reset email sent successfully' });
    const token = await app.mailedToken('ada@example.com');
    const confirm = await app.send('POST', '/v1/auth/password/reset/confirm', { body: { token, password: 'Reset-pass3', password_confirmation: 'Reset-pass3' } });
    expect(confirm.json).toEqual({ status: 'success', message: 'Password reset successfully' });

    const again = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password: 'Reset-pass3' } });
    const logout = await app.send('POST', '/v1/auth/logout', { token: again.json.data.tokens.access });
    expect(logout.json).toEqual({ status: 'success', message: 'Successfully logged out' });
  });

  it('answers validation errors with 422 and errors: [{ field, message }], including confirmations', async () => {
    const app = contractApp(contract002);
    const mismatch = await app.send('POST', '/v1/auth/register', { body: { ...registration, password_confirmation: 'Something-else1' } });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json).toEqual({ status: 'error', message: expect.any(String), errors: [{ field: 'password_confirmation', message: expect.any(String) }] });
    const missing = await app.send('POST', '/v1/auth/register', { body: { ...registration, password_confirmation: undefined } });
    expect(missing.json.errors).toEqual([{ field: 'password_confirmation', message: expect.any(String) }]);
    const noSymbol = await app.send('POST', '/v1/auth/register', { body: { ...registration, password: 'Secure1pass', password_confirmation: 'Secure1pass' } });
    expect(noSymbol.status).toBe(422);
    expect(noSymbol.json.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
  });

  it('answers 401 { status, message }, 429 with retry_after after 5 logins a minute, and keeps one session per user', async () => {
    const app = contractApp(contract002);
    await app.send('POST', '/v1/auth/register', { body: registration });
    const first = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password } });
    const second = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password } });
    expect((await app.send('GET', '/v1/auth/profile', { token: first.json.data.tokens.access })).status).toBe(401);
    expect((await app.send('GET', '/v1/auth/profile', { token: second.json.data.tokens.access })).status).toBe(200);

    const wrong = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-pass1' } });
    expect(wrong.status).toBe(401);
    expect(keys(wrong.json)).toEqual(['message', 'status']);
    let limited = wrong;
    for (let attempt = 0; attempt < 5 && limited.status !== 429; attempt++) {
      limited = await app.send('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-pass1' } });
    }
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ status: 'error', message: expect.any(String), retry_after: expect.any(Number) });
  });
});
