import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse, requireAuth } from './index.js';

function testAuth(): Auth {
  return createAuth({ store: memoryStore(), secret: 'test-secret-'.padEnd(32, 'x'), appUrl: 'https://app.example.com', hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }) }) as Auth;
}

/** `auth`, counting how often something reads its config or context (as preparing a guard does). */
function counted(auth: Auth): { auth: Auth; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(auth, {
    get(target, key, receiver) {
      if (key === 'config' || key === 'context') reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { auth: proxy, reads: () => reads };
}

describe('requireAuth (fastify)', () => {
  it('prepares one guard per auth object, however many routes requireAuth(auth) protects', () => {
    const { auth, reads } = counted(testAuth());
    requireAuth(auth);
    const first = reads();
    expect(first).toBeGreaterThan(0);
    for (let i = 0; i < 50; i += 1) requireAuth(auth);
    expect(reads()).toBe(first);
  });

  it('resolves an options object once, however many guards use it', () => {
    let resolved = 0;
    const options: HttpOptions = {
      get casing() {
        resolved += 1;
        return 'camel' as const;
      },
    };
    const auth = testAuth();
    requireAuth(auth, options);
    const first = resolved;
    expect(first).toBeGreaterThan(0);
    for (let i = 0; i < 50; i += 1) requireAuth(auth, options);
    expect(resolved).toBe(first);
  });

  it("gives the plugin's fastify.authenticate the guard that requireAuth(auth) shares", async () => {
    const { auth, reads } = counted(testAuth());
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
