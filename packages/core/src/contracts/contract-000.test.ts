// Reference contract 000 (shared/reference-contracts/000_*.txt): Django-like, trailing slashes,
// snake_case, `{ data: … }`, verification by link, refresh answers `access`, profile GET/PATCH.
import { describe, expect, it } from 'vitest';
import { contract000 } from './contract-000.js';
import { contractApp, keys } from './harness.js';

describe('reference contract 000', () => {
  it('serves every documented route with its fields, envelope and trailing slash', async () => {
    const app = contractApp(contract000);
    const registration = { email: 'user@example.com', password: 'Secure-password123', first_name: 'John', last_name: 'Doe', phone_number: '+1234567890' };

    const register = await app.send('POST', '/auth/register/', { body: registration });
    expect(register.status).toBe(201);
    expect(keys(register.json)).toEqual(['data']);
    expect(keys(register.json.data)).toEqual(['email', 'message', 'user_id']);
    expect(register.json.data.message).toBe('Registration successful. Please verify your email.');

    const resend = await app.send('POST', '/auth/resend-verification/', { body: { email: 'user@example.com' } });
    expect(resend.json).toEqual({ data: { message: 'Verification email sent' } });

    const verify = await app.send('POST', '/auth/verify-email/', { body: { token: await app.mailedToken('user@example.com') } });
    expect(verify.status).toBe(200);
    expect(verify.json).toEqual({ data: { message: 'Email verified successfully' } });

    const login = await app.send('POST', '/auth/login/', { body: { email: 'user@example.com', password: registration.password } });
    expect(login.status).toBe(200);
    expect(keys(login.json.data)).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(login.json.data.expires_in).toBe(3600);

    const refresh = await app.send('POST', '/auth/token/refresh/', { body: { refresh: login.json.data.refresh_token } });
    expect(refresh.status).toBe(200);
    expect(keys(refresh.json.data)).toEqual(['access', 'expires_in']);
    const access = refresh.json.data.access as string;
    // The client refreshes again with the same token, as the contract's clients do.
    app.clock.advance(60_000);
    const again = await app.send('POST', '/auth/token/refresh/', { body: { refresh: login.json.data.refresh_token } });
    expect(again.status).toBe(200);

    const read = await app.send('GET', '/auth/profile/', { token: access });
    expect(keys(read.json.data)).toEqual(['created_at', 'email', 'first_name', 'last_login', 'last_name', 'phone_number', 'user_id']);
    expect(read.json.data).toMatchObject({ first_name: 'John', phone_number: '+1234567890', created_at: '2026-01-01T12:00:00.000Z' });

    const update = await app.send('PATCH', '/auth/profile/', { token: access, body: { first_name: 'Johnny', last_name: 'Doe', phone_number: '+1234567890' } });
    expect(keys(update.json.data)).toEqual(['email', 'first_name', 'last_name', 'phone_number', 'updated_at', 'user_id']);
    expect(update.json.data.first_name).toBe('Johnny');

    const logout = await app.send('POST', '/auth/logout/', { token: access });
    expect(logout.json).toEqual({ data: { message: 'Successfully logged out' } });
    expect((await app.send('GET', '/auth/profile/', { token: access })).status).toBe(401);

    const reset = await app.send('POST', '/auth/password/reset/', { body: { email: 'user@example.com' } });
    expect(reset.json).toEqual({ data: { message: 'Password reset email sent' } });
    const confirm = await app.send('POST', '/auth/password/reset/confirm/', { body: { token: await app.mailedToken('user@example.com'), password: 'New-secure-password1' } });
    expect(confirm.json).toEqual({ data: { message: 'Password reset successful' } });
  });

  it('names fields in snake_case in errors too, refresh under its documented name', async () => {
    const app = contractApp(contract000);
    const invalid = await app.send('POST', '/auth/register/', { body: { email: 'user@example.com', password: 'Secure-password123', first_name: 'x'.repeat(101) } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.fields[0].field).toBe('first_name');
    const missing = await app.send('POST', '/auth/token/refresh/', { body: {} });
    expect(missing.json.error.fields[0].field).toBe('refresh');
  });
});
