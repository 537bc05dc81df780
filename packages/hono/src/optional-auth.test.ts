import { argon2Hasher, createAuth, fakeClock, memoryStore, type Identity } from '@gatehouse/core';
import { runRequireAuthSharing } from '@gatehouse/core/http/testing';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'hono optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
const auth = createAuth({
  store: memoryStore(),
  secret: 'test-secret-'.padEnd(32, 'x'),
  appUrl: 'https://app.example.com',
  clock,
  hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  emailVerification: { requiredForLogin: false },
});

const ran: string[] = [];
const app = new Hono();
// The same handler behind each guard, so the two can be compared.
app.get('/feed', optionalAuth(auth), (c) => {
  expectTypeOf(c.var.auth).toEqualTypeOf<Identity<string> | null>();
  ran.push('feed');
  return c.json({ auth: c.var.auth });
});
app.get('/orders', requireAuth(auth), (c) => {
  expectTypeOf(c.var.auth).toEqualTypeOf<Identity<string>>();
  ran.push('orders');
  return c.json({ auth: c.var.auth });
});

async function get(path: string, authorization?: string): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const response = await app.request(path, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

async function accessToken(email: string): Promise<string> {
  await auth.register({ email, password: 'Correct-Horse-9' });
  return (await auth.login({ email, password: 'Correct-Horse-9' })).tokens.accessToken;
}

describe('optionalAuth (hono)', () => {
  it('runs the route with c.var.auth null when the request has no token', async () => {
    ran.length = 0;
    expect(await get('/feed')).toEqual({ status: 200, challenge: null, body: { auth: null } });
    // Credentials of another scheme are no bearer token either.
    expect(await get('/feed', 'Basic dXNlcjpwYXNz')).toEqual({ status: 200, challenge: null, body: { auth: null } });
    expect(ran).toEqual(['feed', 'feed']);
  });

  it('sets c.var.auth from a valid token, as requireAuth does', async () => {
    const token = await accessToken('ada@example.com');
    const optional = await get('/feed', `Bearer ${token}`);
    expect(optional.status).toBe(200);
    expect((optional.body as { auth: { userId: string } }).auth.userId).toEqual(expect.any(String));
    expect(optional).toEqual(await get('/orders', `Bearer ${token}`));
  });

  it('answers an invalid, malformed or expired token with the 401 requireAuth gives, without running the route', async () => {
    const expiring = await accessToken('grace@example.com');
    clock.advance(16 * 60 * 1000);
    try {
      for (const authorization of ['Bearer not-a-token', 'Bearer two words', `Bearer ${expiring}`]) {
        ran.length = 0;
        const optional = await get('/feed', authorization);
        expect(optional.status, authorization).toBe(401);
        expect(optional.challenge, authorization).toContain('error="invalid_token"');
        expect(optional, authorization).toEqual(await get('/orders', authorization));
        expect(ran, authorization).toEqual([]);
      }
    } finally {
      clock.advance(-16 * 60 * 1000);
    }
  });
});
