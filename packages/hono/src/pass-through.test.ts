// `app.route('/', gatehouse(auth))`: Gatehouse answers its own paths and hands every other request
// to the app (its later routes, its own notFound handler).
import { argon2Hasher, createAuth, memoryStore } from '@gatehouse-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';
import { nodeBindings } from './test-support/mounts.js';

/** An app with Gatehouse at `mountPath`, then its own routes and notFound handler. */
function app(mountPath: string): (path: string, init?: RequestInit) => Promise<Response> {
  const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } });
  const root = new Hono();
  root.route(mountPath, gatehouse(auth));
  root.get('/api/orders', (c) => c.json({ orders: [] }));
  root.post('/api/echo', async (c) => c.json({ echoed: await c.req.json() }));
  root.notFound((c) => c.json({ appNotFound: `${c.req.method} ${c.req.path}` }, 404));
  return async (path, init) => root.request(path, init, nodeBindings);
}

const json = { 'content-type': 'application/json' };
const account = JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' });

describe('@gatehouse-auth/hono passes on what is not its own', () => {
  it('at the root: the app’s routes and notFound handler answer every path Gatehouse does not serve', async () => {
    const call = app('/');
    const orders = await call('/api/orders');
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual({ orders: [] });
    // The body is left for the app to read.
    expect(await (await call('/api/echo', { method: 'POST', headers: json, body: '{"a":1}' })).json()).toEqual({ echoed: { a: 1 } });
    for (const [method, path] of [['GET', '/nope'], ['POST', '/api/orders'], ['DELETE', '/api/orders'], ['OPTIONS', '/api/orders'], ['GET', '/']] as const) {
      const missing = await call(path, { method });
      expect(missing.status, `${method} ${path}`).toBe(404);
      expect(await missing.json(), `${method} ${path}`).toEqual({ appNotFound: `${method} ${path}` });
    }
    // Spellings the router does not take for the login route are not Gatehouse's: they never reach the flow.
    for (const path of ['/LOGIN', '/%6Cogin', '/login%2F', '/login.json']) {
      const variant = await call(path, { method: 'POST', headers: json, body: account });
      expect(variant.status, path).toBe(404);
      expect(await variant.json(), path).toHaveProperty('appNotFound');
    }
  });

  it('at the root: Gatehouse’s own paths are still Gatehouse’s, with 405 and OPTIONS for the other methods', async () => {
    const call = app('/');
    expect((await call('/register', { method: 'POST', headers: json, body: account })).status).toBe(201);
    expect((await call('//login/?x=1', { method: 'POST', headers: json, body: account })).status).toBe(200);
    const wrong = await call('/login');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    const options = await call('/login', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('POST, OPTIONS');
    expect(((await (await call('/openapi.json')).json()) as { servers: unknown }).servers).toEqual([{ url: '/' }]);
  });

  it('under a mount path: the rest of the app is the app’s; unknown paths below the mount are Gatehouse’s 404', async () => {
    const call = app('/auth');
    expect((await call('/api/orders')).status).toBe(200);
    expect(await (await call('/nope')).json()).toEqual({ appNotFound: 'GET /nope' });
    expect((await call('/auth/register', { method: 'POST', headers: json, body: account })).status).toBe(201);
    const missing = await call('/auth/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
