// Many instances, for real: two server processes of one app (test/fixtures/instance.mjs, Hono
// on @hono/node-server) on two ports, sharing one fresh PostgreSQL database and one Redis.
// What one instance does, the other sees at once: tokens, a logout, a refresh-token reuse, and
// the login rate limit.
//
// A build-output test: the instances import the built packages, as a deployed app does, so it
// needs `pnpm --filter @gatehouse-auth/core --filter @gatehouse-auth/hono --filter @gatehouse-auth/kysely
// --filter @gatehouse-auth/redis build` first (`pnpm test` builds everything before testing).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../kysely/src/migrate-to-latest.js';
import { createTestDatabase, type TestDatabase } from '../../kysely/src/test-support/databases.js';
import { connect, deleteKeysUnder, REDIS_URL, uniquePrefix } from '../src/test-support/redis.js';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(packagesDir, 'redis', 'test', 'fixtures', 'instance.mjs');
const builtEntries = ['core', 'hono', 'kysely', 'redis'].map((name) => join(packagesDir, name, 'dist', 'index.js'));
const PASSWORD = 'Correct-Horse-9';
const WRONG = 'Wrong-Horse-1';

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  /** What the process wrote on stderr, for the message of a failed start. */
  stderr: string[];
  fetch(method: string, path: string, init?: { body?: unknown; token?: string }): Promise<{ status: number; headers: Headers; json: any }>;
}

const children: ChildProcess[] = [];
const prefix = uniquePrefix();
let database: TestDatabase | undefined;
let redis: Redis | undefined;
let a: Instance;
let b: Instance;

/** Forks one instance and waits for the port it prints. */
async function start(name: string, env: Record<string, string>): Promise<Instance> {
  const child = fork(fixture, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.push(child);
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start within 10 s: ${stderr.join('')}`)), 10_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${name} exited with ${code} before listening: ${stderr.join('')}`));
    });
  });
  return {
    name,
    port,
    child,
    stderr,
    async fetch(method, path, init = {}) {
      const headers: Record<string, string> = {};
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
    },
  };
}

/** Stops a process: SIGTERM, then SIGKILL if it has not exited within 3 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  for (const entry of builtEntries) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm --filter @gatehouse-auth/core --filter @gatehouse-auth/hono --filter @gatehouse-auth/kysely --filter @gatehouse-auth/redis build first`);
  }
  database = await createTestDatabase('postgres');
  // Once, before either instance starts, as a deploy step would.
  await migrateToLatest(database.db);
  redis = connect();
  const env = { DATABASE_URL: database.url ?? '', REDIS_URL, REDIS_KEY_PREFIX: prefix, GATEHOUSE_SECRET: 'two-instances-secret-'.padEnd(40, 'x') };
  [a, b] = await Promise.all([start('A', env), start('B', env)]);
}, 30_000);

afterAll(async () => {
  // Whatever happened above: the processes go first (they hold connections to the database).
  await Promise.allSettled(children.map(stop));
  if (redis) {
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  }
  await database?.destroy();
}, 30_000);

async function register(instance: Instance, email: string): Promise<void> {
  const response = await instance.fetch('POST', '/auth/register', { body: { email, password: PASSWORD } });
  expect(response.status).toBe(201);
}

async function login(instance: Instance, email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await instance.fetch('POST', '/auth/login', { body: { email, password: PASSWORD } });
  expect(response.status).toBe(200);
  return response.json.data.tokens;
}

describe('two instances on one PostgreSQL and one Redis', () => {
  it('run as two processes on two ports', async () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    expect(a.port).not.toBe(b.port);
    for (const instance of [a, b]) expect((await instance.fetch('GET', '/auth/openapi.json')).status).toBe(200);
  });

  it('a login on A gives tokens that work on B', async () => {
    await register(a, 'ada@example.com');
    const tokens = await login(a, 'ada@example.com');
    const onB = await b.fetch('GET', '/protected', { token: tokens.accessToken });
    expect(onB.status).toBe(200);
    const profile = await a.fetch('GET', '/auth/profile', { token: tokens.accessToken });
    expect(onB.json.userId).toBe(profile.json.data.user.id);
    expect((await b.fetch('GET', '/auth/sessions', { token: tokens.accessToken })).json.data.sessions).toHaveLength(2);
  });

  it('a logout on B is refused on A at once', async () => {
    await register(b, 'bob@example.com');
    const tokens = await login(a, 'bob@example.com');
    // A has verified (and cached) the token before the logout.
    expect((await a.fetch('GET', '/protected', { token: tokens.accessToken })).status).toBe(200);
    expect((await b.fetch('POST', '/auth/logout', { token: tokens.accessToken })).status).toBe(200);
    const refused = await a.fetch('GET', '/protected', { token: tokens.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('TOKEN_INVALID');
  });

  it('a refresh token rotated on A and replayed on B revokes the family on both', async () => {
    await register(a, 'cy@example.com');
    const first = await login(b, 'cy@example.com');
    const rotated = await a.fetch('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    const second = rotated.json.data.tokens as { accessToken: string; refreshToken: string };
    expect((await b.fetch('GET', '/protected', { token: second.accessToken })).status).toBe(200);
    // Past the grace window (0 s in the fixture), even by the clock of a process that runs a hair behind.
    await sleep(10);
    const replayed = await b.fetch('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replayed.status).toBe(401);
    expect(replayed.json.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The whole family is gone, on both instances: the newest refresh token and its access token.
    const latest = await a.fetch('POST', '/auth/token/refresh', { body: { refreshToken: second.refreshToken } });
    expect(latest.status).toBe(401);
    expect((await a.fetch('GET', '/protected', { token: second.accessToken })).status).toBe(401);
    expect((await b.fetch('GET', '/protected', { token: second.accessToken })).status).toBe(401);
  });

  it('count login attempts together: alternating A and B, the 6th in a minute is 429 (5 per account and address)', async () => {
    await register(b, 'eve@example.com');
    const instances = [a, b, a, b, a];
    for (const [index, instance] of instances.entries()) {
      const response = await instance.fetch('POST', '/auth/login', { body: { email: 'eve@example.com', password: WRONG } });
      expect(response.status, `attempt ${index + 1} on ${instance.name}`).toBe(401);
      // Each instance reports the budget both of them share.
      expect(response.headers.get('ratelimit-limit')).toBe('5');
      expect(response.headers.get('ratelimit-remaining')).toBe(String(4 - index));
    }
    const refused = await b.fetch('POST', '/auth/login', { body: { email: 'eve@example.com', password: PASSWORD } });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json.error).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // The right password on the other instance is refused as well until the window ends.
    expect((await a.fetch('POST', '/auth/login', { body: { email: 'eve@example.com', password: PASSWORD } })).status).toBe(429);
  });
});
