import { argon2Hasher, createAuth, memoryStore } from '@gatehouse-auth/core';
import { runOptionalAuth, runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse, optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'fastify optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

runOptionalAuth({
  name: 'fastify',
  async serve(auth, ran) {
    // Without the plugin, and answering request.auth as it is (no `?? null`): the suite's
    // `{ auth: null }` for a request without a token checks that request.auth is null without it.
    const app = Fastify();
    // The same handler behind each guard, so the two can be compared.
    app.get('/feed', { preHandler: optionalAuth(auth) }, async (request) => {
      ran('feed');
      return { auth: request.auth };
    });
    app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => {
      ran('orders');
      return { auth: request.auth };
    });
    await app.ready();
    return {
      async fetch(path, init = {}) {
        const response = await app.inject({ method: 'GET', url: path, headers: Object.fromEntries(new Headers(init.headers).entries()) });
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers.set(name, String(value));
        return new Response(response.body, { status: response.statusCode, headers });
      },
      close: () => app.close(),
    };
  },
});

describe('optionalAuth (fastify)', () => {
  it('works as a hook over a scope next to the plugin', async () => {
    const auth = createAuth({
      store: memoryStore(),
      secret: 'test-secret-'.padEnd(32, 'x'),
      appUrl: 'https://app.example.com',
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      emailVerification: { requiredForLogin: false },
    });
    const scoped = Fastify();
    await scoped.register(gatehouse, { auth, prefix: '/auth' });
    await scoped.register(
      async (api) => {
        api.addHook('onRequest', optionalAuth(auth));
        api.get('/feed', async (request) => ({ signedIn: request.auth !== null }));
      },
      { prefix: '/api' },
    );
    await auth.register({ email: 'lin@example.com', password: 'Correct-Horse-9' });
    const token = (await auth.login({ email: 'lin@example.com', password: 'Correct-Horse-9' })).tokens.accessToken;
    expect((await scoped.inject({ method: 'GET', url: '/api/feed' })).json()).toEqual({ signedIn: false });
    expect((await scoped.inject({ method: 'GET', url: '/api/feed', headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ signedIn: true });
    expect((await scoped.inject({ method: 'GET', url: '/api/feed', headers: { authorization: 'Bearer not-a-token' } })).statusCode).toBe(401);
    await scoped.close();
  });
});
