import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { argon2Hasher, createAuth, fakeClock, memoryStore } from '@gatehouse/core';
import { runRequireAuthSharing } from '@gatehouse/core/http/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionalAuth, requireAuth } from './index.js';

runRequireAuthSharing({ name: 'express optionalAuth', guard: (auth, options) => optionalAuth(auth, options) });

const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
const auth = createAuth({
  store: memoryStore(),
  secret: 'test-secret-'.padEnd(32, 'x'),
  appUrl: 'https://app.example.com',
  clock,
  hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  emailVerification: { requiredForLogin: false },
});

let base = '';
let close = (): void => {};
const ran: string[] = [];

beforeAll(async () => {
  const app = express();
  // The same handler behind each guard, so the two can be compared.
  app.get('/feed', optionalAuth(auth), (req, res) => {
    ran.push('feed');
    res.json({ auth: req.auth ?? null });
  });
  app.get('/orders', requireAuth(auth), (req, res) => {
    ran.push('orders');
    res.json({ auth: req.auth ?? null });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.closeAllConnections();
    server.close();
  };
});
afterAll(() => close());

async function get(path: string, authorization?: string): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const response = await fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

async function accessToken(email: string): Promise<string> {
  await auth.register({ email, password: 'Correct-Horse-9' });
  return (await auth.login({ email, password: 'Correct-Horse-9' })).tokens.accessToken;
}

describe('optionalAuth (express)', () => {
  it('runs the route without an identity when the request has no token', async () => {
    ran.length = 0;
    expect(await get('/feed')).toEqual({ status: 200, challenge: null, body: { auth: null } });
    // Credentials of another scheme are no bearer token either.
    expect(await get('/feed', 'Basic dXNlcjpwYXNz')).toEqual({ status: 200, challenge: null, body: { auth: null } });
    expect(ran).toEqual(['feed', 'feed']);
  });

  it('sets req.auth from a valid token, as requireAuth does', async () => {
    const token = await accessToken('ada@example.com');
    const optional = await get('/feed', `Bearer ${token}`);
    expect(optional.status).toBe(200);
    expect((optional.body as { auth: { userId: string } }).auth.userId).toEqual(expect.any(String));
    expect(optional).toEqual(await get('/orders', `Bearer ${token}`));
  });

  it('answers an invalid, malformed or expired token with the 401 requireAuth gives, without running the route', async () => {
    const expiring = await accessToken('grace@example.com');
    clock.advance(16 * 60 * 1000);
    try {
      for (const authorization of ['Bearer not-a-token', 'Bearer two words', `Bearer ${expiring}`]) {
        ran.length = 0;
        const optional = await get('/feed', authorization);
        expect(optional.status, authorization).toBe(401);
        expect(optional.challenge, authorization).toContain('error="invalid_token"');
        expect(optional, authorization).toEqual(await get('/orders', authorization));
        expect(ran, authorization).toEqual([]);
      }
    } finally {
      clock.advance(-16 * 60 * 1000);
    }
  });
});
