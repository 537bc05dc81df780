import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config.js';
import { memoryRateLimitStore } from '../memory/memory-rate-limit-store.js';
import type { RateLimitStore } from '../ports/rate-limit-store.js';
import { testAuth } from '../test-support/auth-fixtures.js';
import { createHttpHandler } from './handler.js';
import type { HttpRequest } from './types.js';

const credentials = { email: 'ada@example.com', password: 'Correct-Horse-9' };

function setup(config: Partial<AuthConfig> = {}) {
  const errors: string[] = [];
  const { auth } = testAuth({ emailVerification: { requiredForLogin: false }, logger: { warn() {}, error: (message) => void errors.push(message) }, ...config });
  const http = createHttpHandler(auth);
  const post = async (path: string, body: unknown, request: Partial<HttpRequest> = {}) => {
    const response = await http.handle({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...request });
    return { ...response, json: JSON.parse(response.body ?? 'null') };
  };
  return { auth, http, post, errors };
}

describe('createHttpHandler: rate limits without a client address', () => {
  it('refuses a rate-limited route with 503 CLIENT_ADDRESS_UNKNOWN instead of sharing one budget, and logs how to fix it once', async () => {
    const t = setup();
    for (const ip of [undefined, '', 'not-an-address', 'unix:/run/app.sock']) {
      const response = await t.post('/login', credentials, { ip });
      expect(response.status).toBe(503);
      expect(response.json.error).toEqual({ code: 'CLIENT_ADDRESS_UNKNOWN', message: expect.stringMatching(/address/) });
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
    expect((await t.post('/register', credentials)).status).toBe(503);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatch(/`ip`.*clientAddress/);
    // The standard documents need no address; an address makes the routes work again.
    expect((await t.http.handle({ method: 'GET', path: '/openapi.json', headers: {} })).status).toBe(200);
    expect((await t.post('/register', credentials, { ip: '192.0.2.1' })).status).toBe(201);
  });

  it('needs no address when no rule keyed by it is on', async () => {
    const off = setup({ rateLimits: { perIp: false, login: false, loginPerIp: false } });
    expect((await off.post('/register', credentials)).status).toBe(201);
    const login = await off.post('/login', credentials);
    expect(login.status).toBe(200);
    expect(login.headers['ratelimit-limit']).toBeUndefined();
    // Without the per-IP rule only the login route still needs it, for its own two rules.
    const loginOnly = setup({ rateLimits: { perIp: false } });
    expect((await loginOnly.post('/register', credentials)).status).toBe(201);
    expect((await loginOnly.post('/login', credentials)).status).toBe(503);
  });
});

describe('createHttpHandler: RateLimit-* headers', () => {
  it('reports the login rules under the keys the flow counts (normalized email, IPv6 /64)', async () => {
    const t = setup();
    await t.post('/register', credentials, { ip: '2001:db8:1:2::1' });
    for (const [index, ip] of ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9'].entries()) {
      const response = await t.post('/login', { ...credentials, email: ' ADA@example.com ', password: 'Wrong-Horse-1' }, { ip });
      expect(response.status).toBe(401);
      expect(response.headers['ratelimit-remaining']).toBe(String(4 - index));
    }
  });

  it('reports the login rules from what the flow counted, without reading the store back', async () => {
    const counters = memoryRateLimitStore();
    const rateLimitStore: RateLimitStore = {
      hit: (key, windowMs, now) => counters.hit(key, windowMs, now),
      reset: (key) => counters.reset(key),
      // Only the flow's lockout check may read a window: the headers come from the hits the flow made.
      peek: async (key, now) => {
        if (key.startsWith('lockout:')) return counters.peek(key, now);
        throw new Error(`unexpected read of ${key}`);
      },
    };
    const t = setup({ rateLimitStore });
    await t.post('/register', credentials, { ip: '192.0.2.1' });
    const response = await t.post('/login', credentials, { ip: '192.0.2.1' });
    expect(response.status).toBe(200);
    // The most restrictive of the rules counted: login, 5 a minute per account and address, one used.
    expect([response.headers['ratelimit-limit'], response.headers['ratelimit-remaining']]).toEqual(['5', '4']);
  });
});
