import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse/core';
import type { HttpOptions } from '@gatehouse/core/http';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { requireAuth } from './index.js';

function testAuth(config: { stateless?: boolean } = {}): Auth {
  return createAuth({
    store: memoryStore(),
    secret: 'test-secret-'.padEnd(32, 'x'),
    appUrl: 'https://app.example.com',
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    emailVerification: { requiredForLogin: false },
    session: { stateless: config.stateless ?? false },
  }) as Auth;
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

describe('requireAuth (express)', () => {
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

  it('lets a remembered token through synchronously in stateless mode', async () => {
    const auth = testAuth({ stateless: true });
    await auth.register({ email: 'ada@example.com', password: 'Correct-Horse-9' });
    const { tokens } = await auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' });
    const guard = requireAuth(auth);
    const req = { headers: { authorization: `Bearer ${tokens.accessToken}` } } as Request;
    const res = {} as Response;
    // The first request verifies the token.
    await new Promise<void>((resolve, reject) => guard(req, res, ((error?: unknown) => (error ? reject(error) : resolve())) as NextFunction));
    let passed = false;
    guard({ ...req } as Request, res, (() => {
      passed = true;
    }) as NextFunction);
    expect(passed).toBe(true);
  });
});
