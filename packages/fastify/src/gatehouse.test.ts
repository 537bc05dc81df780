import swagger from '@fastify/swagger';
import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse-auth/core';
import { runHttpContract } from '@gatehouse-auth/core/http/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse, requireAuth } from './index.js';
import { injectMount } from './test-support/mounts.js';

runHttpContract({ name: 'fastify', mount: injectMount });

describe('@gatehouse-auth/fastify', () => {
  function testAuth(): Auth {
    return createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
  }

  it('gives @fastify/swagger the routes with their JSON schemas', async () => {
    const app = Fastify();
    await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'app', version: '1.0.0' } } });
    await app.register(gatehouse, { auth: testAuth(), prefix: '/auth' });
    await app.ready();
    const document = app.swagger() as { paths: Record<string, Record<string, any>> };
    expect(document.paths['/auth/login']?.post?.requestBody?.content?.['application/json']?.schema?.required).toEqual(['email', 'password']);
    expect(document.paths['/auth/sessions/{id}']?.delete).toBeDefined();
    expect(Object.keys(document.paths).some((path) => path.includes('*'))).toBe(false);
    await app.close();
  });

  it('leaves the rest of the app to Fastify: its body errors, its error handler', async () => {
    const app = Fastify();
    await app.register(gatehouse, { auth: testAuth(), prefix: '/auth' });
    app.post('/echo', async (request) => request.body);
    await app.ready();
    const malformed = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const ours = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(ours.json()).toEqual({ error: { code: 'MALFORMED_BODY', message: expect.any(String) } });
    await app.close();
  });

  it('exports requireAuth as a preHandler for apps that do not register the plugin', async () => {
    const auth = testAuth();
    const app = Fastify();
    app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => ({ userId: request.auth?.userId }));
    await app.ready();
    const { user } = await auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' });
    const refused = await app.inject({ method: 'GET', url: '/orders' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    await auth.context.store.updateUser(user.id, { emailVerifiedAt: new Date(0), status: 'active', updatedAt: new Date(0) });
    const { tokens } = await auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' });
    const allowed = await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(allowed.json()).toEqual({ userId: user.id });
    await app.close();
  });
});
