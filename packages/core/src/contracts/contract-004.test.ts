// Reference contract 004 (shared/reference-contracts/004_*.txt): DRF/simplejwt-like bare bodies,
// errors `{ field: [message], detail }` with 400 for validation, username + `re_password`, a
// 6-character code, login refused (401) until verified, rotating refresh tokens.
import { describe, expect, it } from 'vitest';
import { contract004 } from './contract-004.js';
import { contractApp, keys } from './harness.js';

const password = 'Secret-pass1';
const registration = { username: 'ada', email: 'ada@example.com', password, re_password: password, first_name: 'Ada', last_name: 'Lovelace' };

describe('reference contract 004', () => {
  it('serves every documented route with its bare bodies', async () => {
    const app = contractApp(contract004);
    const register = await app.send('POST', '/auth/register/', { body: registration });
    expect(register.status).toBe(201);
    expect(register.json).toEqual({ email: 'ada@example.com', message: 'Registration successful. Please check your email to verify your account.' });

    const early = await app.send('POST', '/auth/login/', { body: { email: 'ada@example.com', password } });
    expect(early.status).toBe(401);
    expect(keys(early.json)).toEqual(['detail']);

    const code = await app.mailedCode('ada@example.com');
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
    const verify = await app.send('POST', '/auth/verify-email/', { body: { email: 'ada@example.com', code } });
    expect(verify.status).toBe(200);
    expect(keys(verify.json)).toEqual(['access', 'message', 'refresh', 'user']);
    expect(keys(verify.json.user)).toEqual(['email', 'first_name', 'id', 'last_name', 'username']);
    expect(verify.json.user).toMatchObject({ username: 'ada', first_name: 'Ada' });
    const reused = await app.send('POST', '/auth/verify-email/', { body: { email: 'ada@example.com', code } });
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ code: ['Invalid or already used code.'], detail: 'Invalid or already used code.' });

    const login = await app.send('POST', '/auth/login/', { body: { email: 'ada@example.com', password } });
    expect(login.status).toBe(200);
    expect(keys(login.json)).toEqual(['access', 'refresh']);

    const refresh = await app.send('POST', '/auth/token/refresh/', { body: { refresh: login.json.refresh } });
    expect(refresh.status).toBe(200);
    expect(keys(refresh.json)).toEqual(['access', 'refresh']);
    expect(refresh.json.refresh).not.toBe(login.json.refresh);
  });

  it('answers errors as { field: [messages], detail } with 400 for validation', async () => {
    const app = contractApp(contract004);
    const mismatch = await app.send('POST', '/auth/register/', { body: { ...registration, re_password: 'Other-pass1' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toEqual({ re_password: [expect.any(String)], detail: expect.any(String) });
    const invalid = await app.send('POST', '/auth/register/', { body: { ...registration, email: 'nope' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({ email: [expect.any(String)], detail: expect.any(String) });
    const bob = await app.send('POST', '/auth/register/', { body: { ...registration, email: 'bob@example.com', username: 'bob' } });
    expect(bob.status).toBe(201);
    const code = await app.mailedCode('bob@example.com');
    app.clock.advance(11 * 60_000);
    const expired = await app.send('POST', '/auth/verify-email/', { body: { email: 'bob@example.com', code } });
    expect([expired.status, expired.json]).toEqual([400, { code: ['The code has expired.'], detail: 'The code has expired.' }]);
  });
});
