// Reference contract 002 against the running server (Express on port 0, SQLite in memory), served
// by the `contract002` preset: each documented endpoint with its exact fields and envelope.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argon2Hasher, createAuth, fakeClock, memoryMailer, memoryStore, type MemoryMailer } from '@gatehouse-auth/core';
import { contract002 } from '@gatehouse-auth/core/contracts';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { openSqliteStores, type SqliteStores } from './database.js';

const secret = 'test-secret-of-at-least-32-bytes-long!';
// A cheap argon2id: the tests hash many passwords.
const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });

let stores: SqliteStores;
let mailer: MemoryMailer;
let server: Server;
let base: string;

/** Listens on a free port; the URL to call. */
async function listen(app: Express): Promise<{ server: Server; base: string }> {
  const listening = app.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  return { server: listening, base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

async function stop(running: Server): Promise<void> {
  running.closeAllConnections();
  await new Promise<void>((resolve) => running.close(() => resolve()));
}

beforeAll(async () => {
  stores = await openSqliteStores(':memory:');
  mailer = memoryMailer();
  // What src/main.ts does, with the preset's own lifetimes.
  const auth = createAuth({ ...contract002.auth, store: stores.store, rateLimitStore: stores.rateLimitStore, mailer, secret, appUrl: 'http://localhost:3000', hasher });
  ({ server, base } = await listen(createApp(auth, { corsOrigins: ['https://app.example.com'] })));
});

afterAll(async () => {
  await stop(server);
  await stores.close();
});

async function call(method: string, path: string, init: { body?: unknown; token?: string; headers?: Record<string, string>; base?: string } = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${init.base ?? base}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
}

const sorted = (value: unknown): string[] => Object.keys(value as object).sort();
const USER_FIELDS = ['created_at', 'email', 'first_name', 'id', 'last_name', 'phone'];

function registration(email: string, password = 'Secure-pass1') {
  return { email, password, password_confirmation: password, first_name: 'Ada', last_name: 'Lovelace', phone: '+44 20 7946 0000' };
}

describe('reference contract 002, served by configuration', () => {
  it('1-4, 8, 9: register, login, refresh, profile GET and PUT, logout, with the documented fields', async () => {
    const register = await call('POST', '/v1/auth/register', { body: registration('ada@example.com') });
    expect(register.status).toBe(201);
    expect(register.json.status).toBe('success');
    expect(sorted(register.json.data)).toEqual(['tokens', 'user']);
    expect(sorted(register.json.data.user)).toEqual(USER_FIELDS);
    expect(register.json.data.user).toMatchObject({ email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+44 20 7946 0000' });
    expect(register.json.data.tokens).toEqual({ access: expect.any(String), refresh: expect.any(String) });

    const login = await call('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password: 'Secure-pass1' } });
    expect(login.status).toBe(200);
    expect(sorted(login.json.data)).toEqual(['tokens', 'user']);
    expect(sorted(login.json.data.user)).toEqual(USER_FIELDS);

    const refresh = await call('POST', '/v1/auth/token/refresh', { body: { refresh: login.json.data.tokens.refresh } });
    expect(refresh.json).toEqual({ status: 'success', data: { tokens: { access: expect.any(String), refresh: expect.any(String) } } });
    const access = refresh.json.data.tokens.access as string;

    const profile = await call('GET', '/v1/auth/profile', { token: access });
    expect(profile.json.status).toBe('success');
    expect(sorted(profile.json.data)).toEqual(['user']);
    expect(sorted(profile.json.data.user)).toEqual(USER_FIELDS);

    const put = await call('PUT', '/v1/auth/profile', { token: access, body: { first_name: 'Augusta', last_name: 'King', phone: '+44 20 7946 0001' } });
    expect(put.status).toBe(200);
    expect(put.json.data.user).toMatchObject({ first_name: 'Augusta', last_name: 'King', phone: '+44 20 7946 0001' });

    const logout = await call('POST', '/v1/auth/logout', { token: access });
    expect(logout.json).toEqual({ status: 'success', message: 'Successfully logged out' });
    const after = await call('GET', '/v1/auth/profile', { token: access });
    expect(after.status).toBe(401);
    expect(sorted(after.json)).toEqual(['message', 'status']);
  });

  it('5-7: password change, reset request and reset confirmation, with confirmations and messages', async () => {
    const email = 'grace@example.com';
    const register = await call('POST', '/v1/auth/register', { body: registration(email) });
    const access = register.json.data.tokens.access as string;

    const change = await call('POST', '/v1/auth/password/change', {
      token: access,
      body: { current_password: 'Secure-pass1', new_password: 'Changed-pass2', new_password_confirmation: 'Changed-pass2' },
    });
    expect(change.json).toEqual({ status: 'success', message: 'Password changed successfully' });

    const reset = await call('POST', '/v1/auth/password/reset', { body: { email } });
    expect(reset.json).toEqual({ status: 'success', message: 'Password reset email sent successfully' });
    // The same answer for an address without an account.
    expect((await call('POST', '/v1/auth/password/reset', { body: { email: 'nobody@example.com' } })).json).toEqual(reset.json);

    await expect.poll(() => mailer.lastTo(email)?.subject ?? '').toMatch(/reset/i);
    const link = /https?:\/\/\S+/.exec(mailer.lastTo(email)?.text ?? '')?.[0] ?? '';
    const token = new URL(link).searchParams.get('token');
    const confirm = await call('POST', '/v1/auth/password/reset/confirm', { body: { token, password: 'Reset-pass3!', password_confirmation: 'Reset-pass3!' } });
    expect(confirm.json).toEqual({ status: 'success', message: 'Password reset successfully' });
    expect((await call('POST', '/v1/auth/login', { body: { email, password: 'Reset-pass3!' } })).status).toBe(200);
  });

  it('422 "Validation failed" with errors: [{ field, message }]: a confirmation mismatch, no special character, no first_name, an address already registered', async () => {
    const mismatch = await call('POST', '/v1/auth/register', { body: { ...registration('mismatch@example.com'), password_confirmation: 'Other-pass1' } });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json).toEqual({ status: 'error', message: 'Validation failed', errors: [{ field: 'password_confirmation', message: expect.any(String) }] });

    const noSymbol = await call('POST', '/v1/auth/register', { body: registration('plain@example.com', 'Secure1pass') });
    expect(noSymbol.status).toBe(422);
    expect(noSymbol.json.errors).toEqual([{ field: 'password', message: expect.any(String) }]);

    const noName = await call('POST', '/v1/auth/register', { body: { ...registration('noname@example.com'), first_name: undefined } });
    expect(noName.status).toBe(422);
    expect(noName.json.errors).toEqual([{ field: 'first_name', message: expect.any(String) }]);

    // The document has no 409: an address already registered is a 422 on the `email` field.
    await call('POST', '/v1/auth/register', { body: registration('taken@example.com') });
    const taken = await call('POST', '/v1/auth/register', { body: registration('taken@example.com') });
    expect(taken.status).toBe(422);
    expect(taken.json).toEqual({ status: 'error', message: 'Validation failed', errors: [{ field: 'email', message: expect.any(String) }] });
  });

  it('one active session per user: a second login ends the first', async () => {
    await call('POST', '/v1/auth/register', { body: registration('linus@example.com') });
    const first = await call('POST', '/v1/auth/login', { body: { email: 'linus@example.com', password: 'Secure-pass1' } });
    const second = await call('POST', '/v1/auth/login', { body: { email: 'linus@example.com', password: 'Secure-pass1' } });
    expect((await call('GET', '/v1/auth/profile', { token: first.json.data.tokens.access })).status).toBe(401);
    expect((await call('GET', '/v1/auth/profile', { token: second.json.data.tokens.access })).status).toBe(200);
  });

  it('401 "Invalid credentials" for bad credentials, then 429 "Too many requests" with retry_after after 5 logins a minute', async () => {
    await call('POST', '/v1/auth/register', { body: registration('margaret@example.com') });
    const wrong = await call('POST', '/v1/auth/login', { body: { email: 'margaret@example.com', password: 'Wrong-pass1!' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ status: 'error', message: 'Invalid credentials' });
    let limited = wrong;
    for (let attempt = 0; attempt < 5 && limited.status !== 429; attempt += 1) {
      limited = await call('POST', '/v1/auth/login', { body: { email: 'margaret@example.com', password: 'Wrong-pass1!' } });
    }
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ status: 'error', message: 'Too many requests', retry_after: expect.any(Number) });
    expect(Number(limited.headers.get('retry-after'))).toBe(limited.json.retry_after);
  });

  it('the verification email sent at registration opens this server\'s GET /v1/auth/verify-email/:token', async () => {
    await call('POST', '/v1/auth/register', { body: registration('katherine@example.com') });
    await expect.poll(() => mailer.lastTo('katherine@example.com')?.text ?? '').toMatch(/verify-email/);
    const link = /https?:\/\/\S+/.exec(mailer.lastTo('katherine@example.com')?.text ?? '')?.[0] ?? '';
    expect(link).toMatch(/^http:\/\/localhost:3000\/v1\/auth\/verify-email\//);
    const verified = await call('GET', new URL(link).pathname);
    expect(verified.status).toBe(200);
    expect(verified.json.status).toBe('success');
  });

  it('404 { status, message } outside the contract, and CORS for the configured origins only', async () => {
    expect(await call('GET', '/v1/orders')).toMatchObject({ status: 404, json: { status: 'error', message: 'Resource not found' } });

    const preflight = await fetch(`${base}/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

    const stranger = await call('POST', '/v1/auth/password/reset', { body: { email: 'x@example.com' }, headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('JWT_ACCESS_TOKEN_EXPIRES and JWT_REFRESH_TOKEN_EXPIRES as spreads over the preset, which keep its other rules', async () => {
    // src/main.ts's spreads, with 60 s and 120 s, on a clock the test moves.
    const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
    const auth = createAuth({
      ...contract002.auth,
      accessToken: { ...contract002.auth.accessToken, ttl: 60 },
      session: { ...contract002.auth.session, idleTtl: 120 },
      store: memoryStore(),
      mailer: memoryMailer(),
      secret,
      appUrl: 'http://localhost:3000',
      hasher,
      clock,
    });
    const running = await listen(createApp(auth));
    try {
      const at = { base: running.base };
      const register = await call('POST', '/v1/auth/register', { ...at, body: registration('edsger@example.com') });
      expect(register.status).toBe(201);
      const claims = JSON.parse(Buffer.from(String(register.json.data.tokens.access).split('.')[1] ?? '', 'base64url').toString('utf8'));
      expect(claims.exp - claims.iat).toBe(60);

      // Still one session per user: a login ends the registration's session.
      const login = await call('POST', '/v1/auth/login', { ...at, body: { email: 'edsger@example.com', password: 'Secure-pass1' } });
      expect((await call('GET', '/v1/auth/profile', { ...at, token: register.json.data.tokens.access })).status).toBe(401);

      // A refresh token used within 120 s works; one unused for longer is dead, where the preset would allow 7 days.
      clock.advance(100_000);
      const refreshed = await call('POST', '/v1/auth/token/refresh', { ...at, body: { refresh: login.json.data.tokens.refresh } });
      expect(refreshed.status).toBe(200);
      clock.advance(121_000);
      const late = await call('POST', '/v1/auth/token/refresh', { ...at, body: { refresh: refreshed.json.data.tokens.refresh } });
      expect(late.status).toBe(401);
      expect(late.json).toEqual({ status: 'error', message: expect.any(String) });
    } finally {
      await stop(running.server);
    }
  });
});
