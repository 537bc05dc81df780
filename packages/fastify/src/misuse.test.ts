import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse-auth/core';
import { notAuthArguments, runAuthArgumentChecks } from '@gatehouse-auth/core/http/testing';
import Fastify, { type FastifyInstance, type preHandlerAsyncHookHandler } from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse, optionalAuth, requireAuth } from './index.js';

function testAuth(): Auth {
  return createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) });
}

describe('registering the plugin without await (issue #15)', () => {
  it('cannot leave a route declared right after it open: requireAuth(auth) needs no registration', async () => {
    const auth = testAuth();
    const app = Fastify();
    // The plugin loads only at ready(), after the route below has been declared.
    void app.register(gatehouse, { auth, prefix: '/auth' });
    app.get('/api/orders', { preHandler: requireAuth(auth) }, async () => ({ orders: [] }));
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/api/orders' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect((await app.inject({ method: 'GET', url: '/auth/openapi.json' })).statusCode).toBe(200);
    await app.close();
  });

  it('offers no app.authenticate, which would be undefined on routes declared before the plugin loads', async () => {
    const app = Fastify();
    await app.register(gatehouse, { auth: testAuth(), prefix: '/auth' });
    // The types do not offer it; code that reads it anyway (from JavaScript, or through a cast)
    // is told what to write.
    // @ts-expect-error app.authenticate is not declared.
    const read = (): unknown => app.authenticate;
    expect(read).toThrow(TypeError);
    expect(read).toThrow('{ preHandler: requireAuth(auth) }');
    await app.close();
  });

  it('leaves an app its own app.authenticate (the @fastify/jwt idiom)', async () => {
    const app = Fastify();
    const own: preHandlerAsyncHookHandler = async () => undefined;
    app.decorate('authenticate', own);
    await app.register(gatehouse, { auth: testAuth(), prefix: '/auth' });
    expect((app as unknown as { authenticate: unknown }).authenticate).toBe(own);
    await app.close();
  });
});

// gatehouse is a plugin here, not a factory: what registering it with something else does is below.
runAuthArgumentChecks({
  name: 'fastify',
  factories: {
    requireAuth: (value) => requireAuth(value as never),
    optionalAuth: (value) => optionalAuth(value as never),
  },
});

describe('misuse of @gatehouse-auth/fastify says what to write', () => {
  const auth = testAuth();

  it.each(notAuthArguments(auth))('the plugin registered with %s as auth fails to load, naming the fix', async (_label, value) => {
    const app = Fastify();
    await expect(app.register(gatehouse, { auth: value as never, prefix: '/auth' })).rejects.toThrow("app.register(gatehouse, { auth, prefix: '/auth' })");
  });

  for (const [factory, guard] of [
    ['requireAuth', requireAuth],
    ['optionalAuth', optionalAuth],
  ] as const) {
    it(`${factory} given uncalled as a preHandler, without the plugin, fails the request with an error that says to call it`, async () => {
      const app = Fastify();
      let caught: unknown;
      app.setErrorHandler((error, _request, reply) => {
        caught = error;
        return reply.code(500).send({ error: 'internal' });
      });
      let ran = false;
      app.get('/api/orders', { preHandler: guard as unknown as preHandlerAsyncHookHandler }, async () => {
        ran = true;
        return { orders: [] };
      });
      await app.ready();
      const response = await app.inject({ method: 'GET', url: '/api/orders' });
      expect(response.statusCode).toBe(500);
      expect(ran).toBe(false);
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as Error).message).toContain(`${factory}(auth) needs the object createAuth() returned`);
      expect((caught as Error).message).toContain(`{ preHandler: ${factory}(auth) }, not ${factory}.`);
      await app.close();
    });

    it(`${factory} given uncalled to a route declared after the plugin is refused at declaration`, async () => {
      const app = Fastify();
      await app.register(gatehouse, { auth, prefix: '/auth' });
      const declare = (instance: FastifyInstance): void => {
        instance.get('/api/orders', { preHandler: [guard as unknown as preHandlerAsyncHookHandler] }, async () => ({ orders: [] }));
      };
      expect(() => declare(app)).toThrow(`${factory}(auth) needs the object createAuth() returned`);
      expect(() => declare(app)).toThrow(`GET /api/orders`);
      // Also in a scope registered later, where apps declare their routes.
      await expect(app.register(async (scope) => declare(scope), { prefix: '/v2' })).rejects.toThrow(`not ${factory}.`);
      await app.close();
    });
  }
});
