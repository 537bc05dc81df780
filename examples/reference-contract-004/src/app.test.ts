// Reference contract 004 against the running server (Express on port 0, a temporary SQLite file
// with integer user ids), served by the `contract004` preset: register, verify by the mailed
// code, login and refresh, with the document's bare bodies and `{ field: [messages], detail }` errors.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argon2Hasher, createAuth, memoryMailer, type Auth, type MemoryMailer } from '@gatehouse-auth/core';
import { contract004 } from '@gatehouse-auth/core/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { openSqliteStores, type SqliteStores } from './database.js';

const password = 'plum-orbit-lantern-42';

let dir: string;
let stores: SqliteStores;
let mailer: MemoryMailer;
/** For `settled()`: the verification email goes out after the answer. */
let auth: Pick<Auth, 'settled'>;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-contract-004-'));
  stores = await openSqliteStores(join(dir, 'contract-004.db'));
  mailer = memoryMailer();
  // What src/main.ts does, with a mailer the test reads and a cheap argon2id.
  const contractAuth = createAuth({
    ...contract004.auth,
    store: stores.store,
    rateLimitStore: stores.rateLimitStore,
    mailer,
    secret: 'test-secret-of-at-least-32-bytes-long!',
    appUrl: 'http://localhost:8000',
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  });
  auth = contractAuth;
  server = createApp(contractAuth).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

const sorted = (value: unknown): string[] => Object.keys(value as object).sort();

function registration(username: string, email: string, names: { first: string; last: string }) {
  return { username, email, password, re_password: password, first_name: names.first, last_name: names.last };
}

/** The 6-character code of the newest email to `to`, once the mail has gone out. */
async function mailedCode(to: string): Promise<string> {
  await auth.settled();
  const code = /^[A-Z0-9]{6}$/m.exec(mailer.lastTo(to)?.text ?? '')?.[0];
  if (code === undefined) throw new Error(`no code was mailed to ${to}`);
  return code;
}

describe('reference contract 004 on SQLite with integer ids', () => {
  it('register → 201, login refused until verified, verify with the mailed code → tokens and user 1', async () => {
    const register = await post('/auth/register/', registration('ada', 'ada@example.com', { first: 'Ada', last: 'Lovelace' }));
    expect(register.status).toBe(201);
    expect(register.json).toEqual({ email: 'ada@example.com', message: 'Registration successful. Please check your email to verify your account.' });

    const early = await post('/auth/login/', { email: 'ada@example.com', password });
    expect(early.status).toBe(401);
    expect(sorted(early.json)).toEqual(['detail']);

    const code = await mailedCode('ada@example.com');
    // "6 characters (alphanumeric, excluding ambiguous characters)".
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
    const verify = await post('/auth/verify-email/', { email: 'ada@example.com', code });
    expect(verify.status).toBe(200);
    expect(verify.json).toEqual({
      message: 'Email verified successfully',
      access: expect.any(String),
      refresh: expect.any(String),
      user: { id: 1, email: 'ada@example.com', username: 'ada', first_name: 'Ada', last_name: 'Lovelace' },
    });
    // A JSON number, as the document's `"id": 1`, not "1".
    expect(typeof verify.json.user.id).toBe('number');

    // "Codes are single-use": a used code is the `code` field's validation error.
    const reused = await post('/auth/verify-email/', { email: 'ada@example.com', code });
    expect([reused.status, sorted(reused.json)]).toEqual([400, ['code', 'detail']]);
  });

  it('the next user is number 2', async () => {
    expect((await post('/auth/register/', registration('grace', 'grace@example.com', { first: 'Grace', last: 'Hopper' }))).status).toBe(201);
    const verify = await post('/auth/verify-email/', { email: 'grace@example.com', code: await mailedCode('grace@example.com') });
    expect(verify.status).toBe(200);
    expect(verify.json.user).toEqual({ id: 2, email: 'grace@example.com', username: 'grace', first_name: 'Grace', last_name: 'Hopper' });
  });

  it('a username already taken → 400 { username: [message], detail }', async () => {
    const duplicate = await post('/auth/register/', registration('ada', 'another.ada@example.com', { first: 'Ada', last: 'Byron' }));
    expect(duplicate.status).toBe(400);
    expect(duplicate.json).toEqual({ username: [expect.any(String)], detail: expect.any(String) });

    const mismatch = await post('/auth/register/', { ...registration('alan', 'alan@example.com', { first: 'Alan', last: 'Turing' }), re_password: 'plum-orbit-lantern-43' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toEqual({ re_password: [expect.any(String)], detail: expect.any(String) });
  });

  it('login → { refresh, access }; refresh → { access, refresh } with a new refresh token, which works in turn', async () => {
    const login = await post('/auth/login/', { email: 'ada@example.com', password });
    expect(login.status).toBe(200);
    expect(login.json).toEqual({ refresh: expect.any(String), access: expect.any(String) });

    const refresh = await post('/auth/token/refresh/', { refresh: login.json.refresh });
    expect(refresh.status).toBe(200);
    expect(refresh.json).toEqual({ access: expect.any(String), refresh: expect.any(String) });
    // "Refresh tokens rotate on use (new refresh token returned)".
    expect(refresh.json.refresh).not.toBe(login.json.refresh);

    const next = await post('/auth/token/refresh/', { refresh: refresh.json.refresh });
    expect(next.status).toBe(200);
    expect(next.json.refresh).not.toBe(refresh.json.refresh);

    const wrong = await post('/auth/login/', { email: 'ada@example.com', password: 'not-the-password-1' });
    expect(wrong.status).toBe(401);
    expect(sorted(wrong.json)).toEqual(['detail']);
  });
});
