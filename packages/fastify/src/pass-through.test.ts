// The plugin registered with no prefix: Gatehouse answers its own paths and leaves every other
// request to the app (its later routes, its own not-found handler).
import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse-auth/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** An app with the plugin under `prefix` (none: the root), then its own routes and not-found handler. */
async function serve(prefix?: string): Promise<(method: string, url: string, payload?: string) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>> {
  const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } }) as Auth;
  const app = Fastify();
  apps.push(app);
  await app.register(gatehouse, prefix === undefined ? { auth } : { auth, prefix });
  app.get('/api/orders', async () => ({ orders: [] }));
  app.post('/api/echo', async (request) => ({ echoed: request.body }));
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ appNotFound: `${request.method} ${request.url}` }));
  await app.ready();
  return async (method, url, payload) => {
    const response = await app.inject({ method: method as 'GET', url, remoteAddress: '127.0.0.1', ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/json' } }) });
    return { status: response.statusCode, headers: response.headers, body: response.body === '' ? null : (JSON.parse(response.body) as unknown) };
  };
}

const account = JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' });

describe('@gatehouse-auth/fastify passes on what is not its own', () => {
  it('with no prefix: the app’s routes and not-found handler answer every path Gatehouse does not serve', async () => {
    const call = await serve();
    expect(await call('GET', '/api/orders')).toMatchObject({ status: 200, body: { orders: [] } });
    expect(await call('POST', '/api/echo', '{"a":1}')).toMatchObject({ status: 200, body: { echoed: { a: 1 } } });
    for (const [method, path] of [['GET', '/nope'], ['POST', '/api/orders'], ['DELETE', '/api/orders'], ['OPTIONS', '/api/orders'], ['GET', '/'], ['GET', '/api/orders/']] as const) {
      expect(await call(method, path), `${method} ${path}`).toEqual(expect.objectContaining({ status: 404, body: { appNotFound: `${method} ${path}` } }));
    }
    // Spellings the router does not take for the login route are not Gatehouse's: they never reach the flow.
    for (const path of ['/LOGIN', '/%6Cogin', '/login%2F', '/login.json']) {
      const variant = await call('POST', path, account);
      expect(variant.status, path).toBe(404);
      expect(variant.body, path).toHaveProperty('appNotFound');
    }
  });

  it('with no prefix: Gatehouse’s own paths are still Gatehouse’s, with 405 and OPTIONS for the other methods', async () => {
    const call = await serve();
    expect((await call('POST', '/register', account)).status).toBe(201);
    expect((await call('POST', '/login/?x=1', account)).status).toBe(200);
    const wrong = await call('GET', '/login');
    expect(wrong).toMatchObject({ status: 405, headers: { allow: 'POST, OPTIONS' }, body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
    expect(await call('OPTIONS', '/login')).toMatchObject({ status: 204, headers: { allow: 'POST, OPTIONS' } });
    expect((await call('GET', '/openapi.json')).body.servers).toEqual([{ url: '/' }]);
  });

  it('with no prefix: leaves the app its own wildcard route and router options (ignoreTrailingSlash)', async () => {
    const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } }) as Auth;
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    apps.push(app);
    await app.register(gatehouse, { auth });
    app.get('/*', async (request) => ({ spa: request.url }));
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/dashboard/orders' })).json()).toEqual({ spa: '/dashboard/orders' });
    expect((await app.inject({ method: 'GET', url: '/openapi.json/' })).json()).toHaveProperty('openapi');
    const register = await app.inject({ method: 'POST', url: '/register/', remoteAddress: '127.0.0.1', payload: account, headers: { 'content-type': 'application/json' } });
    expect(register.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/login/' })).statusCode).toBe(405);
  });

  it('under a prefix: the rest of the app is the app’s; unknown paths below the prefix are Gatehouse’s 404', async () => {
    const call = await serve('/auth');
    expect((await call('GET', '/api/orders')).status).toBe(200);
    expect((await call('GET', '/nope')).body).toEqual({ appNotFound: 'GET /nope' });
    expect((await call('POST', '/auth/register', account)).status).toBe(201);
    expect(await call('GET', '/auth/nope')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});
