import { argon2Hasher, createAuth, memoryStore, type Auth } from '@gatehouse-auth/core';
import { runRequireAuthSharing } from '@gatehouse-auth/core/http/testing';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { requireAuth } from './index.js';

runRequireAuthSharing({ name: 'express', guard: (auth, options) => requireAuth(auth, options) });

function testAuth(): Auth {
  return createAuth({
    store: memoryStore(),
    secret: 'test-secret-'.padEnd(32, 'x'),
    appUrl: 'https://app.example.com',
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    emailVerification: { requiredForLogin: false },
    session: { stateless: true },
  }) as Auth;
}

describe('requireAuth (express)', () => {
  it('lets a remembered token through synchronously in stateless mode', async () => {
    const auth = testAuth();
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
