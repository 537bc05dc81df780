import { argon2Hasher, createAuth, fakeClock, memoryStore } from '@gatehouse/core';
import { runRequireAuthSharing } from '@gatehouse/core/http/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'fastify optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
const auth = createAuth({
  store: memoryStore(),
  secret: 'test-secret-'.padEnd(32, 'x'),
  appUrl: 'https://app.example.com',
  clock,
  hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  emailVerification: { requiredForLogin: false },
});

const app = Fastify();
const ran: string[] = [];

beforeAll(async () => {
  // The same handler behind each guard, so the two can be compared.
  app.get('/feed', { preHandler: optionalAuth(auth) }, async (request) => {
    ran.push('feed');
    return { auth: request.auth };
  });
  app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => {
    ran.push('orders');
    return { auth: request.auth };
  });
  await app.ready();
});
afterAll(() => app.close());

async function get(path: string, authorization?: string): Promise<{ status: number; challenge: unknown; body: unknown }> {
  const response = await app.inject({ method: 'GET', url: path, headers: authorization === undefined ? {} : { authorization } });
  return { status: response.statusCode, challenge: response.headers['www-authenticate'], body: response.json() };
}

async function accessToken(email: string): Promise<string> {
  await auth.register({ email, password: 'Correct-Horse-9' });
  return (await auth.login({ email, password: 'Correct-Horse-9' })).tokens.accessToken;
}

describe('optionalAuth (fastify)', () => {
  it('runs the route with request.auth null when the request has no token, without the plugin', async () => {
    ran.length = 0;
    expect(await get('/feed')).toEqual({ status: 200, challenge: undefined, body: { auth: null } });
    // Credentials of another scheme are no bearer token either.
    expect(await get('/feed', 'Basic dXNlcjpwYXNz')).toEqual({ status: 200, challenge: undefined, body: { auth: null } });
    expect(ran).toEqual(['feed', 'feed']);
  });

  it('sets request.auth from a valid token, as requireAuth does', async () => {
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

  it('works as a hook over a scope next to the plugin', async () => {
    const scoped = Fastify();
    await scoped.register(gatehouse, { auth, prefix: '/auth' });
    await scoped.register(
      async (api) => {
        api.addHook('onRequest', optionalAuth(auth));
        api.get('/feed', async (request) => ({ signedIn: request.auth !== null }));
      },
      { prefix: '/api' },
    );
    const token = await accessToken('lin@example.com');
    expect((await scoped.inject({ method: 'GET', url: '/api/feed' })).json()).toEqual({ signedIn: false });
    expect((await scoped.inject({ method: 'GET', url: '/api/feed', headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ signedIn: true });
    expect((await scoped.inject({ method: 'GET', url: '/api/feed', headers: { authorization: 'Bearer not-a-token' } })).statusCode).toBe(401);
    await scoped.close();
  });
});
