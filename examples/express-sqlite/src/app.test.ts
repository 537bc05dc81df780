import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argon2Hasher, memoryMailer, type Auth, type MemoryMailer } from '@gatehouse-auth/core';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import type { AppDatabase } from './orders.js';

let db: Kysely<AppDatabase>;
let mailer: MemoryMailer;
let auth: Auth;
let server: Server;
let base: string;

beforeAll(async () => {
  db = new Kysely<AppDatabase>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  mailer = memoryMailer();
  let app;
  ({ app, auth } = await createApp({
    db,
    secret: 'test-secret-of-at-least-32-bytes-long!',
    appUrl: 'http://localhost:3000',
    mailer,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  }));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.destroy();
});

async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${base}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
}

/** Registers, follows the emailed verification link, logs in; returns the access token. */
async function signUp(email: string, password: string): Promise<string> {
  expect((await call('POST', '/auth/register', { body: { email, password, firstName: 'Ada' } })).status).toBe(201);
  // Mail goes out after the answer: wait for it.
  await auth.settled();
  const link = /https?:\/\/\S+/.exec(mailer.lastTo(email)?.text ?? '')?.[0];
  expect(link).toMatch(/^http:\/\/localhost:3000\/auth\/verify-email\//);
  // The emailed link is served by Gatehouse's GET /auth/verify-email/:token.
  expect((await call('GET', new URL(link as string).pathname)).status).toBe(200);
  const login = await call('POST', '/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return login.json.data.tokens.accessToken as string;
}

describe('express-sqlite example', () => {
  it('keeps the existing public route: GET /health', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { status: 'ok' } });
  });

  it('migrated Gatehouse tables into the app database next to its own', async () => {
    const tables = (await db.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(['orders', 'gatehouse_users', 'gatehouse_sessions']));
  });

  it('refuses the existing /orders routes without an access token', async () => {
    const response = await call('GET', '/orders');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call('POST', '/orders', { body: { item: 'tea', quantity: 1 }, token: 'not-a-token' })).status).toBe(401);
  });

  it('does not log in before the email is verified', async () => {
    await call('POST', '/auth/register', { body: { email: 'early@example.com', password: 'Correct-horse-7' } });
    expect((await call('POST', '/auth/login', { body: { email: 'early@example.com', password: 'Correct-horse-7' } })).status).toBe(403);
  });

  it('register, verify, login, then /orders is the caller’s own', async () => {
    const ada = await signUp('ada@example.com', 'Analytical-Engine-1843');
    const grace = await signUp('grace@example.com', 'Compiler-Pioneer-1952');

    const created = await call('POST', '/orders', { token: ada, body: { item: 'Punched cards', quantity: 3 } });
    expect(created.status).toBe(201);
    expect(created.json.order).toMatchObject({ item: 'Punched cards', quantity: 3 });

    expect((await call('GET', '/orders', { token: ada })).json.orders).toEqual([created.json.order]);
    expect((await call('GET', '/orders', { token: grace })).json.orders).toEqual([]);
    expect((await call('POST', '/orders', { token: ada, body: { item: '', quantity: 0 } })).status).toBe(422);
  });

  it('logout ends the session: the same access token no longer opens /orders', async () => {
    const token = await signUp('linus@example.com', 'Kernel-Hacker-1991');
    expect((await call('GET', '/orders', { token })).status).toBe(200);
    expect((await call('POST', '/auth/logout', { token })).status).toBe(200);
    expect((await call('GET', '/orders', { token })).status).toBe(401);
  });
});
