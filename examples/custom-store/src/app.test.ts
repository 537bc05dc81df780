import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argon2Hasher, memoryMailer, type MemoryMailer } from '@gatehouse-auth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { jsonFileStore, type JsonFileStore } from './json-file-store.js';

const folder = mkdtempSync(join(tmpdir(), 'gatehouse-custom-store-app-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// @hono/node-server's bindings, where Gatehouse reads the client address for rate limits.
const nodeBindings = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

function boot(store: JsonFileStore, mailer: MemoryMailer) {
  const { app, auth } = createApp({
    store,
    secret: 'test-secret-of-at-least-32-bytes-long!',
    appUrl: 'http://localhost:3000',
    mailer,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  });
  async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    const response = await app.request(path, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) }, nodeBindings);
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : JSON.parse(text) };
  }
  return { call, auth };
}

describe('custom-store example app', () => {
  it('register, verify, login and /me over the JSON file store; a restarted app still knows the user and session', async () => {
    const path = join(folder, 'auth.json');
    const mailer = memoryMailer();
    const email = 'ada@example.com';
    const password = 'Analytical-Engine-1843';

    const store = await jsonFileStore({ path });
    const { call, auth } = boot(store, mailer);
    expect((await call('POST', '/auth/register', { body: { email, password, firstName: 'Ada' } })).status).toBe(201);
    // Mail goes out after the answer: wait for it.
    await auth.settled();
    const link = /https?:\/\/\S+/.exec(mailer.lastTo(email)?.text ?? '')?.[0] ?? '';
    expect((await call('GET', new URL(link).pathname)).status).toBe(200);
    const login = await call('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.json.data.tokens as { accessToken: string; refreshToken: string };

    expect((await call('GET', '/me')).status).toBe(401);
    expect(await call('GET', '/me', { token: accessToken })).toMatchObject({ status: 200, json: { email, profile: { firstName: 'Ada' } } });
    await store.close();

    // A new process, as far as the store can tell: everything comes back from the file.
    const reopened = await jsonFileStore({ path });
    const { call: again } = boot(reopened, memoryMailer());
    expect((await again('GET', '/me', { token: accessToken })).status).toBe(200);
    const refreshed = await again('POST', '/auth/token/refresh', { body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    // Logout is written to the file too: the session's tokens stop working at once.
    expect((await again('POST', '/auth/logout', { token: refreshed.json.data.tokens.accessToken })).status).toBe(200);
    expect((await again('GET', '/me', { token: refreshed.json.data.tokens.accessToken })).status).toBe(401);
    expect((await again('POST', '/auth/login', { body: { email, password: 'Wrong-password-1' } })).status).toBe(401);
    await reopened.close();
  });
});
