// `app.use(gatehouse(auth))` with no mount path: Gatehouse answers its own paths and hands every
// other request to the app (its later routes, its body errors, its own 404).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { argon2Hasher, createAuth, memoryStore } from '@gatehouse-auth/core';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { gatehouse } from './index.js';
import { express4 } from './test-support/mounts.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * An app with Gatehouse at `mountPath` (none: the root), then its own routes, 404 and error
 * handler; its JSON body parser comes before Gatehouse (`before`) or on its route.
 */
async function serve(createApp: typeof express, mountPath?: string, parser: 'before' | 'route' = 'route'): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const auth = createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }), emailVerification: { requiredForLogin: false } });
  const app = createApp();
  if (parser === 'before') app.use(createApp.json());
  if (mountPath === undefined) app.use(gatehouse(auth));
  else app.use(mountPath, gatehouse(auth));
  app.get('/api/orders', (_req, res) => {
    res.json({ orders: [] });
  });
  const echo: RequestHandler = (req, res) => {
    res.json({ echoed: req.body as unknown });
  };
  if (parser === 'route') app.post('/api/echo', createApp.json(), echo);
  else app.post('/api/echo', echo);
  app.use((req, res) => {
    res.status(404).json({ appNotFound: `${req.method} ${req.path}` });
  });
  const errors: ErrorRequestHandler = (error: { status?: number }, _req, res, _next) => {
    res.status(error.status ?? 500).json({ appError: true });
  };
  app.use(errors);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init);
}

const json = { 'content-type': 'application/json' };
const account = JSON.stringify({ email: 'ada@example.com', password: 'Correct-Horse-9' });

describe.each([
  ['express 5', express],
  ['express 4', express4],
])('%s: gatehouse(auth) passes on what is not its own', (_name, createApp) => {
  it.each(['route', 'before'] as const)('at the root: the app’s routes, body parser and 404 answer every path Gatehouse does not serve (body parser %s)', async (parser) => {
    const call = await serve(createApp, undefined, parser);
    const orders = await call('/api/orders');
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual({ orders: [] });
    // The body is left for the app's own parser, and its errors for the app's error handler.
    expect(await (await call('/api/echo', { method: 'POST', headers: json, body: '{"a":1}' })).json()).toEqual({ echoed: { a: 1 } });
    const malformed = await call('/api/echo', { method: 'POST', headers: json, body: '{' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ appError: true });
    for (const [method, path] of [['GET', '/nope'], ['POST', '/api/orders'], ['DELETE', '/api/orders'], ['OPTIONS', '/api/orders'], ['GET', '/']] as const) {
      const missing = await call(path, { method });
      expect(missing.status, `${method} ${path}`).toBe(404);
      if (method !== 'OPTIONS') expect(await missing.json(), `${method} ${path}`).toEqual({ appNotFound: `${method} ${path}` });
    }
    // Spellings the router does not take for the login route are not Gatehouse's: they never reach the flow.
    for (const path of ['/LOGIN', '/%6Cogin', '/login%2F', '/login.json']) {
      const variant = await call(path, { method: 'POST', headers: json, body: account });
      expect(variant.status, path).toBe(404);
      expect(await variant.json(), path).toHaveProperty('appNotFound');
    }
  });

  it.each(['route', 'before'] as const)('at the root: Gatehouse’s own paths are still Gatehouse’s, with 405 and OPTIONS for the other methods (body parser %s)', async (parser) => {
    const call = await serve(createApp, undefined, parser);
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
    // Malformed JSON to one of its routes is still answered in its envelope.
    const malformed = await call('/login', { method: 'POST', headers: json, body: '{' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_BODY');
  });

  it('under a mount path: the rest of the app is the app’s; unknown paths below the mount are Gatehouse’s 404', async () => {
    const call = await serve(createApp, '/auth');
    expect((await call('/api/orders')).status).toBe(200);
    expect(await (await call('/nope')).json()).toEqual({ appNotFound: 'GET /nope' });
    expect((await call('/auth/register', { method: 'POST', headers: json, body: account })).status).toBe(201);
    const missing = await call('/auth/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
