import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import { AUTH_ERROR_CODES } from '../errors.js';
import { HTTP_ONLY_ERROR_CODES } from './errors.js';
import { fakeClock } from '../memory/fake-clock.js';
import { memoryStore } from '../memory/memory-store.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { Store } from '../ports/store.js';
import { createHttpHandler } from './handler.js';
import type { HttpOptions } from './options.js';

function setup(options: HttpOptions = {}, store: Store = memoryStore()) {
  const clock = fakeClock(Date.UTC(2026, 0, 1));
  const auth = createAuth({
    store,
    secret: 'test-secret-'.padEnd(32, 'x'),
    appUrl: 'https://app.example.com',
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    clock,
    emailVerification: { requiredForLogin: false },
  });
  const http = createHttpHandler(auth, options);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await http.handle({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ip: '192.0.2.1' });
    return { ...response, json: JSON.parse(response.body ?? 'null') };
  };
  return { auth, clock, http, post };
}

const credentials = { email: 'ada@example.com', password: 'Correct-Horse-9' };

describe('createHttpHandler', () => {
  it('serves(path) says whether a route has the path, for any method: what handle() would not answer NOT_FOUND', async () => {
    const t = setup({ paths: { getProfile: '/me' } });
    for (const path of ['/login', '/login/', '//login', '/login?next=%2F', '/sessions/abc', '/verify-email/a%2Fb', '/me', '/openapi.json', '/.well-known/jwks.json']) {
      expect(t.http.serves(path), path).toBe(true);
    }
    for (const path of ['/', '', '/api/orders', '/LOGIN', '/%6Cogin', '/login%2F', '/login.json', '/sessions/a/b', '/nope?x=/login', '/verify-email/%E0%A4%A']) {
      expect(t.http.serves(path), path).toBe(false);
      const response = await t.http.handle({ method: 'POST', path, headers: {}, ip: '192.0.2.1' });
      expect(response.status, path).toBe(404);
    }
    // A path served with another method is still the handler's: 405 with Allow.
    expect((await t.http.handle({ method: 'GET', path: '/login', headers: {}, ip: '192.0.2.1' })).status).toBe(405);
  });

  it("speaks a contract's own error messages, by code and by status, without a formatError (a code's entry wins)", async () => {
    const t = setup({ messages: { INVALID_CREDENTIALS: 'Invalid credentials', 401: 'Unauthorized', 404: 'No such endpoint', VALIDATION_FAILED: 'Validation failed' } });
    await t.post('/register', credentials);
    const wrong = await t.post('/login', { ...credentials, password: 'Wrong-Horse-9' });
    expect(wrong.json.error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Invalid credentials' });
    const refused = await t.http.handle({ method: 'GET', path: '/profile', headers: {}, ip: '192.0.2.1' });
    expect(JSON.parse(refused.body ?? '{}').error).toEqual({ code: 'UNAUTHENTICATED', message: 'Unauthorized' });
    const missing = await t.http.handle({ method: 'GET', path: '/nowhere', headers: {}, ip: '192.0.2.1' });
    expect(JSON.parse(missing.body ?? '{}').error.message).toBe('No such endpoint');
    const invalid = await t.post('/login', { email: 'not an address', password: 'x' });
    expect(invalid.json.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Validation failed', fields: [expect.objectContaining({ field: 'email' })] });
    // formatError receives the message from the table too.
    const formatted = setup({ messages: { 404: 'Gone fishing' }, formatError: (error) => ({ msg: error.message }) });
    expect(JSON.parse((await formatted.http.handle({ method: 'GET', path: '/nowhere', headers: {}, ip: '192.0.2.1' })).body ?? '{}')).toEqual({ msg: 'Gone fishing' });
  });

  it('refuses a messages table that names no code or status, or gives no message', () => {
    expect(() => setup({ messages: { NOT_A_CODE: 'x' } as never })).toThrow(/messages\.NOT_A_CODE: not an error code/);
    expect(() => setup({ messages: { 302: 'x' } })).toThrow(/messages\.302/);
    expect(() => setup({ messages: { RATE_LIMITED: '  ' } })).toThrow(/messages\.RATE_LIMITED: must be a message/);
  });

  it('answers every error with a human message, never the raw code (a password-confirmation mismatch said "VALIDATION_FAILED")', async () => {
    const t = setup({ passwordConfirmation: true });
    const mismatch = await t.post('/register', { ...credentials, passwordConfirmation: 'Other-Horse-9' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The request is invalid.', fields: [{ field: 'passwordConfirmation', code: 'mismatch' }] });
    for (const code of [...AUTH_ERROR_CODES, ...HTTP_ONLY_ERROR_CODES]) {
      const body = JSON.parse(t.http.reject(code).body ?? '{}') as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message, code).toMatch(/^[A-Z][^_]*[.!]$/);
    }
  });

  it('refreshes with the body’s refresh token even when a stale access token rides along (accessTokenRefresh)', async () => {
    const t = setup({ accessTokenRefresh: true });
    const registered = await t.post('/register', credentials);
    t.clock.advance(16 * 60_000);
    const response = await t.post('/token/refresh', { refreshToken: registered.json.data.tokens.refreshToken }, { authorization: `Bearer ${registered.json.data.tokens.accessToken}` });
    expect(response.status).toBe(200);
    expect(response.json.data.tokens.refreshToken).toEqual(expect.any(String));
  });

  it('reissues an access token for a live session, and never for an expired token', async () => {
    const t = setup({ accessTokenRefresh: true });
    const { json } = await t.post('/register', credentials);
    const fresh = await t.post('/token/refresh', {}, { authorization: `Bearer ${json.data.tokens.accessToken}` });
    expect(fresh.status).toBe(200);
    expect(Object.keys(fresh.json.data.tokens).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    t.clock.advance(16 * 60_000);
    expect((await t.post('/token/refresh', {}, { authorization: `Bearer ${json.data.tokens.accessToken}` })).status).toBe(401);
  });

  it('answers HEAD like GET without a body, and OPTIONS with Allow', async () => {
    const t = setup();
    const head = await t.http.handle({ method: 'HEAD', path: '/openapi.json', headers: {} });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    const options = await t.http.handle({ method: 'OPTIONS', path: '/profile', headers: {} });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, PATCH, PUT, OPTIONS');
  });

  it('answers 503 from authenticate when the store is down, not 401', async () => {
    const healthy = memoryStore();
    let down = false;
    const store: Store = Object.assign(Object.create(healthy) as Store, {
      findSession: async (id: string) => {
        if (down) throw new Error('connection reset');
        return healthy.findSession(id);
      },
    });
    const t = setup({}, store);
    const { json } = await t.post('/register', credentials);
    down = true;
    const result = await t.http.authenticate({ headers: { authorization: `Bearer ${json.data.tokens.accessToken}` } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(503);
  });

  it('spells retryAfter in the default error envelope in the wire casing', async () => {
    const t = setup({ casing: 'snake' });
    let last = await t.post('/login', { ...credentials, password: 'Wrong-Horse-1' });
    for (let attempt = 0; attempt < 5; attempt++) last = await t.post('/login', { ...credentials, password: 'Wrong-Horse-1' });
    expect(last.status).toBe(429);
    expect(last.json.error).toMatchObject({ code: 'RATE_LIMITED', retry_after: expect.any(Number) });
    expect(last.headers['retry-after']).toBe(String(last.json.error.retry_after));
  });

  it('reports a body problem from an adapter with the contract’s status', async () => {
    const t = setup();
    const response = await t.http.handle({ method: 'POST', path: '/login', headers: {}, body: { problem: 'too_large' }, ip: '192.0.2.1' });
    expect(response.status).toBe(413);
    expect(t.http.reject('NOT_FOUND').status).toBe(404);
  });
});
