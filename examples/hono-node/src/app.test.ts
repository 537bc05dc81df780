import { argon2Hasher, memoryMailer } from '@gatehouse-auth/core';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';

const nodeBindings = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

function setup() {
  const mailer = memoryMailer();
  const { app, auth } = createApp({
    secret: 'test-secret-of-at-least-32-bytes-long!',
    appUrl: 'http://localhost:3000',
    mailer,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  });
  async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<{ status: number; headers: Headers; json: any }> {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    // In-process: Hono answers the Request without a server. The third argument stands in for
    // @hono/node-server's bindings, where Gatehouse reads the client address for rate limits.
    const response = await app.request(path, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) }, nodeBindings);
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
  }
  async function signUp(email: string, password: string): Promise<string> {
    expect((await call('POST', '/auth/register', { body: { email, password } })).status).toBe(201);
    // Mail goes out after the answer: wait for it.
    await auth.settled();
    const link = /https?:\/\/\S+/.exec(mailer.lastTo(email)?.text ?? '')?.[0] ?? '';
    expect((await call('GET', new URL(link).pathname)).status).toBe(200);
    const login = await call('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    return login.json.data.tokens.accessToken as string;
  }
  return { app, auth, call, signUp };
}

describe('hono-node example', () => {
  it('refuses /api without a valid access token, with WWW-Authenticate: Bearer', async () => {
    const { call } = setup();
    const refused = await call('GET', '/api/notes');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('GET', '/api/whoami', { token: 'forged' })).status).toBe(401);
    expect((await call('GET', '/')).status).toBe(200);
  });

  it('register, verify, login: c.var.auth is the caller, and notes are their own', async () => {
    const { call, signUp, auth } = setup();
    const ada = await signUp('ada@example.com', 'Analytical-Engine-1843');
    const grace = await signUp('grace@example.com', 'Compiler-Pioneer-1952');

    const whoami = await call('GET', '/api/whoami', { token: ada });
    expect(whoami.status).toBe(200);
    const identity = await auth.authenticate(ada);
    expect(whoami.json).toEqual({ userId: identity.userId, sessionId: identity.sessionId, role: 'user' });

    const created = await call('POST', '/api/notes', { token: ada, body: { text: 'Note G' } });
    expect(created.status).toBe(201);
    expect((await call('GET', '/api/notes', { token: ada })).json.notes).toEqual([created.json.note]);
    expect((await call('GET', '/api/notes', { token: grace })).json.notes).toEqual([]);
  });

  it('login waits for the email to be verified', async () => {
    const { call } = setup();
    const email = 'early@example.com';
    const password = 'Correct-Horse-Battery-9';
    expect((await call('POST', '/auth/register', { body: { email, password } })).status).toBe(201);
    const refused = await call('POST', '/auth/login', { body: { email, password } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it('refresh hands out a new access token that opens /api; logout ends the session', async () => {
    const { call, signUp } = setup();
    await signUp('linus@example.com', 'Kernel-Hacker-1991');
    const login = await call('POST', '/auth/login', { body: { email: 'linus@example.com', password: 'Kernel-Hacker-1991' } });
    const refreshed = await call('POST', '/auth/token/refresh', { body: { refreshToken: login.json.data.tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    const token = refreshed.json.data.tokens.accessToken as string;
    expect((await call('GET', '/api/whoami', { token })).status).toBe(200);

    expect((await call('POST', '/auth/logout', { token })).status).toBe(200);
    expect((await call('GET', '/api/whoami', { token })).status).toBe(401);
  });
});
