import { randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { argon2Hasher, memoryMailer, type Auth, type MemoryMailer } from '@gatehouse-auth/core';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

// A database of its own for this run, with a random name, dropped at the end.
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `gatehouse_example_${randomBytes(6).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let db: Kysely<any>;
let app: FastifyInstance;
let mailer: MemoryMailer;
let auth: Auth;

beforeAll(async () => {
  await admin(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 4 }) }) });
  mailer = memoryMailer();
  ({ app, auth } = await createApp({
    db,
    secret: 'test-secret-of-at-least-32-bytes-long!',
    appUrl: 'http://localhost:3000',
    mailer,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  // The pool's connections may take a moment to go after destroy(); wait for them rather than
  // dropping WITH (FORCE), which would kill them mid-close.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin(`drop database if exists "${name}"`);
      return;
    } catch (error) {
      if (attempt >= 50 || (error as { code?: string }).code !== '55006') throw error;
      await setTimeout(100);
    }
  }
});

async function call(method: 'GET' | 'POST', url: string, init: { body?: object; token?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  const response = await app.inject({
    method,
    url,
    headers: init.token === undefined ? {} : { authorization: `Bearer ${init.token}` },
    ...(init.body === undefined ? {} : { payload: init.body }),
  });
  return { status: response.statusCode, headers: response.headers, json: response.body === '' ? null : response.json() };
}

describe('fastify-postgres example', () => {
  it('migrated Gatehouse tables into its own PostgreSQL database', async () => {
    const tables = (await db.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(['gatehouse_users', 'gatehouse_sessions', 'gatehouse_one_time_tokens']));
  });

  it('register, verify by the emailed link, login, then the protected /me', async () => {
    const email = 'ada@example.com';
    const password = 'Analytical-Engine-1843';
    const registered = await call('POST', '/auth/register', { body: { email, password, firstName: 'Ada' } });
    expect(registered.status).toBe(201);
    expect(registered.json.data).toMatchObject({ tokens: null, verificationRequired: true });

    expect((await call('POST', '/auth/login', { body: { email, password } })).status).toBe(403);

    // Mail goes out after the answer: wait for it.
    await auth.settled();
    const link = /https?:\/\/\S+/.exec(mailer.lastTo(email)?.text ?? '')?.[0] ?? '';
    const token = decodeURIComponent(new URL(link).pathname.split('/').pop() ?? '');
    expect((await call('POST', '/auth/verify-email', { body: { token } })).status).toBe(200);

    const login = await call('POST', '/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const accessToken = login.json.data.tokens.accessToken as string;

    expect(await call('GET', '/me', { token: accessToken })).toMatchObject({ status: 200, json: { email, emailVerified: true } });

    const refused = await call('GET', '/me');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');

    expect((await call('POST', '/auth/logout', { token: accessToken })).status).toBe(200);
    expect((await call('GET', '/me', { token: accessToken })).status).toBe(401);
  });

  it("shows Gatehouse's routes, with their request schemas, in the generated OpenAPI document", async () => {
    const document = await call('GET', '/docs/json');
    expect(document.status).toBe(200);
    const paths = document.json.paths as Record<string, Record<string, any>>;
    expect(document.json.openapi).toBe('3.1.0');
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/login', '/auth/token/refresh', '/auth/logout', '/auth/password/reset', '/auth/profile', '/me']),
    );
    expect(paths['/auth/login']?.post?.requestBody?.content?.['application/json']?.schema?.required).toEqual(['email', 'password']);
    expect(paths['/auth/login']?.post?.tags).toEqual(['auth']);
    expect(paths['/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('serves the Swagger UI page at /docs', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('swagger-ui');
  });
});
