// Reference contract 003 (shared/reference-contracts/003_*.txt): Laravel-like
// `{ statusCode, message, data }`, camelCase, app-level `Api-Token` and `channel` headers,
// `role` and `status` in capitals, a verification code sent as `verificationCode` by a caller
// holding a token, and one `token` refreshed with the bearer token.
import { describe, expect, it } from 'vitest';
import { contract003 } from './contract-003.js';
import { contractApp, keys } from './harness.js';

const app3 = { 'Api-Token': 'test-api-token', channel: 'web' };
const password = 'Str0ng-Password';

describe('reference contract 003', () => {
  it('serves every documented route with its fields, envelope and headers', async () => {
    const app = contractApp(contract003);
    const register = await app.send('POST', '/api/auth/register', {
      headers: app3,
      body: { firstName: 'John', lastName: 'Doe', email: 'user@example.com', password, passwordConfirmation: password, phoneNumber: '+1234567890' },
    });
    expect(register.status).toBe(201);
    expect(keys(register.json)).toEqual(['data', 'message', 'statusCode']);
    expect(register.json).toMatchObject({ statusCode: 201, message: 'Registration successful' });
    expect(keys(register.json.data)).toEqual(['token', 'user']);
    expect(keys(register.json.data.user)).toEqual(['createdAt', 'email', 'firstName', 'lastName', 'role', 'status', 'uuid']);
    expect(register.json.data.user).toMatchObject({ role: 'USER', status: 'PENDING' });
    const token = register.json.data.token as string;

    const mailedCode = await app.mailedCode('user@example.com');
    expect(mailedCode).toMatch(/^\d{6}$/);
    const verify = await app.send('POST', '/api/auth/verify-email', { headers: app3, token, body: { verificationCode: mailedCode } });
    expect(verify.status).toBe(200);
    expect(verify.json).toEqual({ statusCode: 200, message: 'Email verified successfully', data: { user: { uuid: expect.any(String), status: 'ACTIVE', emailVerifiedAt: '2026-01-01T12:00:00.000000Z' } } });

    const login = await app.send('POST', '/api/auth/login', { headers: app3, body: { email: 'user@example.com', password } });
    expect(login.json).toMatchObject({ statusCode: 200, message: 'Login successful', data: { token: expect.any(String), user: { uuid: expect.any(String), role: 'USER', status: 'ACTIVE' } } });

    const refreshed = await app.send('POST', '/api/auth/refresh-token', { headers: app3, token: login.json.data.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toEqual({ statusCode: 200, message: 'Token refreshed', data: { token: expect.any(String) } });
    const fresh = refreshed.json.data.token as string;

    const logout = await app.send('POST', '/api/auth/logout', { headers: app3, token: fresh });
    expect(logout.json).toEqual({ statusCode: 200, message: 'Logout successful' });
    expect((await app.send('POST', '/api/auth/refresh-token', { headers: app3, token: fresh })).status).toBe(401);

    const forgot = await app.send('POST', '/api/auth/forgot-password', { headers: app3, body: { email: 'user@example.com' } });
    expect(forgot.json).toEqual({ statusCode: 200, message: 'Password reset link has been sent to your email' });
    const reset = await app.send('POST', '/api/auth/reset-password', {
      headers: app3,
      body: { token: await app.mailedToken('user@example.com'), password: 'Another-Pass456', passwordConfirmation: 'Another-Pass456' },
    });
    expect(reset.json).toEqual({ statusCode: 200, message: 'Password has been reset' });
  });

  it('refuses requests without the app headers, and takes an app-specific Api-Token check by spreading', async () => {
    const app = contractApp(contract003);
    const response = await app.send('POST', '/api/auth/login', { body: { email: 'user@example.com', password } });
    expect(response.status).toBe(400);
    expect(response.json.errors.map((issue: { field: string }) => issue.field)).toEqual(['api-token', 'channel']);

    const own = contractApp(contract003, { http: { ...contract003.http, requiredHeaders: { ...contract003.http.requiredHeaders, 'api-token': 'app-secret-token' } } });
    const wrong = await own.send('POST', '/api/auth/login', { headers: app3, body: { email: 'user@example.com', password } });
    expect(wrong.json.errors).toEqual([expect.objectContaining({ field: 'api-token', code: 'invalid' })]);
    const right = await own.send('POST', '/api/auth/forgot-password', { headers: { ...app3, 'Api-Token': 'app-secret-token' }, body: { email: 'user@example.com' } });
    expect(right.status).toBe(200);
  });
});
