// Reference contract 001 (shared/reference-contracts/001_*.txt): Express-like `/api/v1/auth`,
// camelCase, `{ success, message, data }`, GET /verify-email/{token}, forgot/reset/change
// password (change by PATCH), `/me`, login refused until the address is verified.
import { describe, expect, it } from 'vitest';
import { contract001 } from './contract-001.js';
import { contractApp, keys } from './harness.js';

describe('reference contract 001', () => {
  it('serves every documented route with its fields and envelope', async () => {
    const app = contractApp(contract001);
    const password = 'SecurePassword123';
    const register = await app.send('POST', '/api/v1/auth/register', { body: { firstName: 'John', lastName: 'Doe', email: 'john@example.com', password } });
    expect(register.status).toBe(201);
    expect(register.json.success).toBe(true);

    const unverified = await app.send('POST', '/api/v1/auth/login', { body: { email: 'john@example.com', password } });
    expect(unverified.status).toBe(403);
    expect(unverified.json).toEqual({ success: false, message: expect.any(String) });

    expect((await app.send('POST', '/api/v1/auth/resend-verification', { body: { email: 'john@example.com' } })).json.success).toBe(true);
    const verified = await app.send('GET', `/api/v1/auth/verify-email/${encodeURIComponent(await app.mailedToken('john@example.com'))}`);
    expect(verified.status).toBe(200);
    expect(verified.json.data.user.isEmailVerified).toBe(true);

    const login = await app.send('POST', '/api/v1/auth/login', { body: { email: 'john@example.com', password } });
    expect(login.status).toBe(200);
    expect(keys(login.json)).toEqual(['data', 'message', 'success']);
    expect(login.json.message).toBe('Login successful');
    expect(login.json.data.user).toMatchObject({ id: expect.any(String), email: 'john@example.com', firstName: 'John' });
    expect(login.json.data.tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    const refreshed = await app.send('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.json.data.tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    const { accessToken } = refreshed.json.data.tokens;

    const me = await app.send('GET', '/api/v1/auth/me', { token: accessToken });
    expect(me.json.success).toBe(true);
    expect(keys(me.json.data.user)).toEqual(['createdAt', 'email', 'firstName', 'id', 'isEmailVerified', 'lastName']);
    expect(me.json.data.user).toMatchObject({ isEmailVerified: true, createdAt: '2026-01-01T12:00:00.000Z' });

    const patched = await app.send('PATCH', '/api/v1/auth/profile', { token: accessToken, body: { firstName: 'Johnny', lastName: 'Doe' } });
    expect(patched.json.data.user).toMatchObject({ firstName: 'Johnny', lastName: 'Doe' });

    const changed = await app.send('PATCH', '/api/v1/auth/change-password', { token: accessToken, body: { currentPassword: password, newPassword: 'NewSecurePassword123' } });
    expect(changed.status).toBe(200);
    expect((await app.send('POST', '/api/v1/auth/change-password', { token: accessToken, body: {} })).status).toBe(405);

    expect((await app.send('POST', '/api/v1/auth/forgot-password', { body: { email: 'john@example.com' } })).json.success).toBe(true);
    const resetToken = await app.mailedToken('john@example.com');
    const weak = await app.send('POST', '/api/v1/auth/reset-password', { body: { token: resetToken, newPassword: 'weak' } });
    expect(weak.status).toBe(422);
    expect(weak.json.errors[0].field).toBe('newPassword');
    const reset = await app.send('POST', '/api/v1/auth/reset-password', { body: { token: resetToken, newPassword: 'ResetPassword123' } });
    expect(reset.status).toBe(200);

    const again = await app.send('POST', '/api/v1/auth/login', { body: { email: 'john@example.com', password: 'ResetPassword123' } });
    const logout = await app.send('POST', '/api/v1/auth/logout', { token: again.json.data.tokens.accessToken });
    expect(logout.json).toEqual({ success: true, message: expect.any(String), data: null });
  });

  it('enforces the documented password rules with 422 field errors', async () => {
    const app = contractApp(contract001);
    const weak = await app.send('POST', '/api/v1/auth/register', { body: { email: 'john@example.com', password: 'lowercase1' } });
    expect(weak.status).toBe(422);
    expect(weak.json.errors).toEqual([expect.objectContaining({ field: 'password', code: 'missing_uppercase' })]);
  });
});
