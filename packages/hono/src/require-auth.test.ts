import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireAuth, type GatehouseEnv } from './index.js';

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

describe('requireAuth (hono)', () => {
  it('prepares one guard per auth object, however many routes requireAuth(auth) protects', async () => {
    const { auth, reads } = counted(testAuth());
    const app = new Hono<GatehouseEnv>();
    app.get('/orders', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
    const first = reads();
    expect(first).toBeGreaterThan(0);
    for (let i = 0; i < 50; i += 1) app.get(`/route-${i}`, requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
    expect(reads()).toBe(first);
    expect((await app.request('/route-7')).status).toBe(401);
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
});
