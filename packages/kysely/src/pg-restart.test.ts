// PostgreSQL going away under load: the server kills the store's connections
// (pg_terminate_backend, as a restart or a failover does) and refuses new ones for a while,
// during a run of requests through the HTTP handler. The process must not crash, requests must
// answer 503 while the database is unreachable, and service must come back on its own (pg's pool
// opens new connections). Only this file's own database and connections are touched: other
// test files use the same server at the same time.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { argon2Hasher, createAuth, fakeClock, memoryMailer } from '@gatehouse-auth/core';
import type { Auth, AuthConfig, Logger } from '@gatehouse-auth/core';
import { createFetchHandler } from '@gatehouse-auth/core/http';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase, type TestDatabase } from './test-support/databases.js';

const PG_URL = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP_NAME = `gatehouse-pg-restart-${process.pid}`;
const PASSWORD = 'Correct-Horse-42';
// What a body must never show: the driver's words, a stack frame, a dependency path.
const LEAK = /57P01|terminating connection|administrator command|not currently accepting|ECONN|\bat \S+ \(|node_modules|Error:/;

interface Answer {
  status: number;
  body: { data?: any; error?: { code: string; message: string } };
  retryAfter: string | null;
  text: string;
}

describe('kyselyStore on PostgreSQL when the server kills its connections', () => {
  let database: TestDatabase | undefined;
  let name = '';
  let admin: pg.Client;
  let pool: pg.Pool;
  let db: Kysely<any>;
  let auth: Auth;
  let handler: (request: Request) => Promise<Response>;
  const poolErrors: unknown[] = [];
  const logged: unknown[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await migrateToLatest(database.db);
    const result = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    name = result.rows[0]?.name ?? '';
    expect(name).toMatch(/^gatehouse_test_[0-9a-f]+$/);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    // The app's pool, tagged so that only its connections are killed. pg reports a connection
    // the server kills as an `error` event: on the pool while the connection is idle, on the
    // client while Kysely holds it (between acquiring and releasing it). An event nobody listens
    // to is thrown by Node: the process crashes. So an app needs both listeners (see the README
    // test below).
    pool = new pg.Pool({ connectionString: url.href, max: 4, application_name: APP_NAME, connectionTimeoutMillis: 2000 });
    pool.on('error', (error) => void poolErrors.push(error));
    pool.on('connect', (client) => client.on('error', (error) => void poolErrors.push(error)));
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const logger: Logger = { warn() {}, error: (_message, details) => void logged.push(details?.error) };
    const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
    auth = createAuth({
      store: kyselyStore(db),
      rateLimitStore: kyselyRateLimitStore(db),
      mailer: memoryMailer({ now: () => clock.now() }),
      clock,
      logger,
      secret: 'pg-restart-secret-'.padEnd(32, 'x'),
      appUrl: 'https://app.example.com',
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      emailVerification: { requiredForLogin: false },
      // Limits stay on (their store is the same database, failing closed), but high enough for the run.
      rateLimits: { perIp: { limit: 100_000, window: '1m' }, login: { limit: 100_000, window: '1m' }, loginPerIp: { limit: 100_000, window: '1m' } },
    } as AuthConfig) as Auth;
    const fetchHandler = createFetchHandler(auth, { basePath: '/auth' });
    handler = (request) => fetchHandler(request, { ip: '127.0.0.1' });
  });

  afterAll(async () => {
    if (admin) {
      await admin.query(`alter database "${name}" allow_connections true`).catch(() => undefined);
      await admin.end();
    }
    await db?.destroy();
    await database?.destroy();
  });

  async function call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await handler(new Request(`http://127.0.0.1/auth${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Answer['body'], retryAfter: response.headers.get('retry-after'), text };
  }

  /** Kills every connection of the app's pool (only those: the database has other users). */
  async function killConnections(): Promise<number> {
    const result = await admin.query('select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and application_name = $2', [name, APP_NAME]);
    return result.rowCount ?? 0;
  }

  let account = 0;
  async function newAccount(): Promise<{ email: string; accessToken: string; refreshToken: string }> {
    account += 1;
    const email = `pg-${account}@example.com`;
    const registered = await call('POST', '/register', { email, password: PASSWORD });
    expect(registered.status).toBe(201);
    return { email, accessToken: registered.body.data.tokens.accessToken, refreshToken: registered.body.data.tokens.refreshToken };
  }

  it('answers requests under repeated connection kills with success or 503, never anything else, then serves everything', async () => {
    const accounts = await Promise.all([newAccount(), newAccount(), newAccount()]);
    const refreshTokens = accounts.map((a) => a.refreshToken);
    const statuses: number[] = [];
    const problems: string[] = [];
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        kills += await killConnections();
        // Bursts of kills with short spells of service between them.
        await sleep(10 + Math.random() * 40);
      }
    })();
    const started = Date.now();
    let round = 0;
    while (Date.now() - started < 1500) {
      round += 1;
      const index = round % accounts.length;
      const who = accounts[index] as (typeof accounts)[number];
      const answers = await Promise.all([
        call('POST', '/login', { email: who.email, password: PASSWORD }),
        call('POST', '/token/refresh', { refreshToken: refreshTokens[index] }),
        call('GET', '/sessions', undefined, who.accessToken),
        call('POST', '/register', { email: `pg-load-${round}@example.com`, password: PASSWORD }),
      ]);
      const refreshed = answers[1];
      if (refreshed?.status === 200) refreshTokens[index] = refreshed.body.data.tokens.refreshToken;
      for (const answer of answers) {
        statuses.push(answer.status);
        if (![200, 201, 503].includes(answer.status)) problems.push(`status ${answer.status}: ${answer.text}`);
        if (LEAK.test(answer.text)) problems.push(`leak: ${answer.text}`);
        if (answer.status === 503 && (answer.body.error?.code !== 'SERVICE_UNAVAILABLE' || answer.retryAfter === null)) problems.push(`503 without the envelope or Retry-After: ${answer.text}`);
      }
    }
    killing = false;
    await killer;
    expect(problems).toEqual([]);
    expect(kills).toBeGreaterThan(0);
    // The kills hit requests in flight (503s) and requests went on being served between them.
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status < 300).length).toBeGreaterThan(0);

    // Full service afterwards: the pool reconnects on its own.
    for (const [index, who] of accounts.entries()) {
      expect((await call('POST', '/login', { email: who.email, password: PASSWORD })).status).toBe(200);
      const refreshed = await call('POST', '/token/refresh', { refreshToken: refreshTokens[index] });
      // A refresh whose answer was lost to a kill left the client one token behind: inside the
      // grace window, the old one still gets the live successor.
      expect(refreshed.status).toBe(200);
    }
    expect((await newAccount()).accessToken).toEqual(expect.any(String));
  });

  it('answers 503 while the database refuses connections, and recovers by itself when it accepts them again', async () => {
    const who = await newAccount();
    await admin.query(`alter database "${name}" allow_connections false`);
    try {
      await killConnections();
      await sleep(50);
      const broken = [
        await call('POST', '/login', { email: who.email, password: PASSWORD }),
        await call('POST', '/token/refresh', { refreshToken: who.refreshToken }),
        await call('GET', '/profile', undefined, who.accessToken),
        await call('POST', '/register', { email: 'pg-broken@example.com', password: PASSWORD }),
        await call('POST', '/password/reset', { email: who.email }),
      ];
      for (const answer of broken) {
        expect(answer.status, answer.text).toBe(503);
        expect(answer.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
        expect(answer.retryAfter).not.toBeNull();
        expect(answer.text).not.toMatch(LEAK);
      }
      // Routes that need no database keep working.
      expect((await call('GET', '/openapi.json')).status).toBe(200);
    } finally {
      await admin.query(`alter database "${name}" allow_connections true`);
    }
    // The very next requests work: no restart, no manual reconnect.
    const login = await call('POST', '/login', { email: who.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect((await call('GET', '/profile', undefined, login.body.data.tokens.accessToken)).status).toBe(200);
    expect((await call('POST', '/token/refresh', { refreshToken: who.refreshToken })).status).toBe(200);
    expect((await call('POST', '/register', { email: 'pg-after@example.com', password: PASSWORD })).status).toBe(201);
    // The failures were logged (with the driver error as the cause), not swallowed.
    expect(logged.length).toBeGreaterThan(0);
  });

  it('the README’s PostgreSQL example handles connection errors (else a connection the server kills crashes the process)', () => {
    // pg emits a killed connection's error on the pool (idle connection) or on the client (a
    // connection Kysely holds between acquire and release); without listeners Node throws it as
    // an uncaught exception. Reproduced with the README's pool, pg_terminate_backend and Kysely
    // queries: dozens of uncaught 57P01 / "Connection terminated unexpectedly" a second, even
    // with a pool 'error' listener alone. This guards the example an app copies.
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /PostgreSQL, with pg:\s*```ts([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain('new pg.Pool');
    // pool.on('error', …) and pool.on('connect', (client) => client.on('error', …))
    expect(example).toMatch(/\.on\(\s*['"]error['"]/);
    expect(example).toMatch(/\.on\(\s*['"]connect['"][\s\S]*\.on\(\s*['"]error['"]/);
  });
});
