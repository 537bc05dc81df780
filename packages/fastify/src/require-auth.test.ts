import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse/core';
import { countAuthReads, runRequireAuthSharing } from '@gatehouse/core/http/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'fastify', guard: (auth, options) => requireAuth(auth, options) });

function testAuth(): Auth {
  return createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
}

describe('requireAuth (fastify)', () => {
  it("gives the plugin's fastify.authenticate the guard that requireAuth(auth) shares", async () => {
    const { auth, reads } = countAuthReads(testAuth());
    const app = Fastify();
    await app.register(gatehouse, { auth, prefix: '/auth' });
    app.get('/orders', { preHandler: app.authenticate }, async (request) => ({ userId: request.auth?.userId }));
    await app.ready();
    const registered = reads();
    for (let i = 0; i < 50; i += 1) requireAuth(auth);
    expect(reads()).toBe(registered);
    const refused = await app.inject({ method: 'GET', url: '/orders' });
    expect(refused.statusCode).toBe(401);
    await app.close();
  });
});
