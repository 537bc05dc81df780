// Finding and setting up Gatehouse for a scenario: which packages are built (a missing one is a
// skipped scenario, never a failure), and a `createAuth` over the memory, SQLite or PostgreSQL
// store with the bench's shared secret and user.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET, USER } from './fixtures.mjs';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);

/** The database the PostgreSQL scenarios use; the runner drops and re-creates it once per run. */
export const PG_DATABASE = 'gatehouse_bench';
export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const PG_URL = process.env.BENCH_PG_URL ?? `postgres://postgres@127.0.0.1:5432/${PG_DATABASE}`;

/**
 * Why a Gatehouse package cannot be used yet, or `null` when its built entry point is there.
 *
 * @param {string} short `core`, `hono`, `fastify`, `express` or `kysely`.
 * @returns {string | null}
 */
export function missingPackage(short) {
  // The runner passes its build failures down to the processes it starts.
  const failed = JSON.parse(process.env.BENCH_BUILD_FAILURES ?? '{}')[short];
  if (failed) return failed;
  const dir = join(REPO_DIR, 'packages', short);
  const name = `@gatehouse-auth/${short}`;
  if (!existsSync(join(dir, 'package.json'))) return `${name} does not exist yet (packages/${short}/package.json)`;
  if (!existsSync(join(dir, 'src', 'index.ts'))) return `${name} is not written yet (packages/${short}/src/index.ts missing)`;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = manifest.exports?.['.']?.default ?? manifest.exports?.['.']?.import ?? manifest.main ?? './dist/index.js';
  if (!existsSync(join(dir, entry))) return `${name} is not built (packages/${short}/${entry.replace(/^\.\//, '')} missing; run pnpm build)`;
  if (!existsSync(join(BENCH_DIR, 'node_modules', '@gatehouse-auth', short))) return `${name} is not linked into bench/ (run pnpm install)`;
  return null;
}

/**
 * Waits (up to `ms`) while a package has sources but no dist: on a shared working tree someone
 * else's `pnpm build` empties dist/ for a few seconds before writing it again.
 *
 * @param {string[]} shorts
 * @param {number} [ms]
 */
export async function waitForBuilds(shorts, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const waiting = shorts.filter((short) => /is not built/.test(missingPackage(short) ?? ''));
    if (waiting.length === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The first reason among several packages, or `null` when all are usable.
 *
 * @param {string[]} shorts
 * @returns {string | null}
 */
export function missingPackages(shorts) {
  for (const short of shorts) {
    const reason = missingPackage(short);
    if (reason) return reason;
  }
  return null;
}

/**
 * @typedef {object} BenchAuthOptions
 * @property {'memory' | 'sqlite' | 'postgres'} [store] Default `memory`.
 * @property {boolean} [stateless] `session.stateless` (default `false`: the product's default).
 * @property {number} [cacheSize] `accessToken.cacheSize` (default: the product's, 10,000).
 * @property {string} [email] The bench user's address (default {@link USER}'s).
 * @property {boolean} [seedUser] Register and log in the bench user (default `true`).
 */

/**
 * @typedef {object} BenchAuth
 * @property {any} auth The `createAuth` result.
 * @property {string} accessToken The bench user's access token (when seeded).
 * @property {string} refreshToken The bench user's refresh token (when seeded).
 * @property {{ count: number, statements: string[] }} queries SQL statements sent so far, and the first two words of each (SQL stores only).
 * @property {any} db The Kysely instance (SQL stores only).
 * @property {() => Promise<void>} close
 */

/**
 * Creates the Gatehouse instance a scenario measures. Rate limits are off (a throughput
 * benchmark logs the same account in thousands of times a second) and login does not wait
 * for email verification; everything else is the product's default, argon2id included.
 *
 * @param {BenchAuthOptions} [options]
 * @returns {Promise<BenchAuth>}
 */
export async function createBenchAuth(options = {}) {
  const core = await import('@gatehouse-auth/core');
  const queries = { count: 0, statements: /** @type {string[]} */ ([]) };
  const { store, db, close } = await openStore(options.store ?? 'memory', queries);
  /** @type {Record<string, unknown>} */
  const accessToken = {};
  if (options.cacheSize !== undefined) accessToken.cacheSize = options.cacheSize;
  const auth = core.createAuth({
    store,
    secret: SECRET,
    appUrl: 'http://127.0.0.1',
    mailer: { async send() {} },
    accessToken,
    session: { stateless: options.stateless ?? false },
    rateLimits: false,
    emailVerification: { requiredForLogin: false },
  });
  let tokens = { accessToken: '', refreshToken: '' };
  if (options.seedUser ?? true) {
    // Several servers share the one PostgreSQL database: each registers its own address.
    const email = options.email ?? (options.store === 'postgres' ? `pg-${process.pid}-${USER.email}` : USER.email);
    await auth.register({ email, password: USER.password });
    ({ tokens } = await auth.login({ email, password: USER.password }));
  }
  return { auth, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, queries, db, close };
}

/**
 * @param {'memory' | 'sqlite' | 'postgres'} kind
 * @param {{ count: number, statements: string[] }} queries
 * @returns {Promise<{ store: any, db: any, close: () => Promise<void> }>}
 */
async function openStore(kind, queries) {
  if (kind === 'memory') {
    const { memoryStore } = await import('@gatehouse-auth/core');
    return { store: memoryStore(), db: null, close: async () => {} };
  }
  const { kyselyStore, migrateToLatest } = await import('@gatehouse-auth/kysely');
  const { Kysely, SqliteDialect, PostgresDialect } = await import('kysely');
  const log = (/** @type {{ level: string, query: { sql: string } }} */ event) => {
    if (event.level !== 'query') return;
    queries.count += 1;
    queries.statements.push(event.query.sql.trim().split(/\s+/, 2).join(' ').toLowerCase());
  };
  /** @type {any} */
  let db;
  /** @type {() => void} */
  let cleanup = () => {};
  if (kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const file = join(tmpdir(), `gatehouse-bench-${process.pid}-${Date.now()}.sqlite`);
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }), log });
    cleanup = () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
  } else {
    const { default: pg } = await import('pg');
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 10 }) }), log });
  }
  await migrateToLatest(db);
  queries.count = 0;
  queries.statements.length = 0;
  return {
    store: kyselyStore(db),
    db,
    close: async () => {
      await db.destroy();
      cleanup();
    },
  };
}

/**
 * Drops and re-creates {@link PG_DATABASE}; returns why PostgreSQL cannot be used, or `null`.
 *
 * @returns {Promise<string | null>}
 */
export async function resetPostgres() {
  let pg;
  try {
    ({ default: pg } = await import('pg'));
  } catch {
    return 'the pg driver is not installed';
  }
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${PG_DATABASE}`);
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}: ${/** @type {Error} */ (error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}
