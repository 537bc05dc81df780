import { randomUUID } from 'node:crypto';
import { DummyDriver, Kysely, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { kyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase } from './test-support/databases.js';
import type { TestDatabase } from './test-support/databases.js';

const TABLES = ['gatehouse_migrations', 'gatehouse_migrations_lock', 'gatehouse_one_time_tokens', 'gatehouse_rate_limits', 'gatehouse_refresh_tokens', 'gatehouse_sessions', 'gatehouse_users'];

async function tableNames(db: Kysely<any>): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort();
}

const KINDS = [
  ['SQLite (file)', 'sqlite-file'],
  ['PostgreSQL', 'postgres'],
  ['MariaDB', 'mysql'],
] as const;

describe.each(KINDS)('migrateToLatest on %s', (_label, kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('creates the schema on a fresh database, and a re-run is a no-op that keeps the rows', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateToLatest(database.db)).toEqual({ applied: ['0001_initial'] });
    expect(await tableNames(database.db)).toEqual(TABLES);

    const store = kyselyStore(database.db);
    const now = new Date('2030-01-01T00:00:00.001Z');
    const user = { id: randomUUID(), email: 'kept@example.com', emailVerifiedAt: null, passwordHash: null, role: 'user', status: 'active' as const, profile: {}, createdAt: now, updatedAt: now, lastLoginAt: null };
    await store.createUser(user);

    expect(await migrateToLatest(database.db)).toEqual({ applied: [] });
    expect(await tableNames(database.db)).toEqual(TABLES);
    expect(await store.findUserById(user.id)).toEqual(user);
  });

  it('applies a table prefix to every table, including its own migration history', async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db, { tablePrefix: 'auth_' });
    expect(await tableNames(database.db)).toEqual(TABLES.map((name) => name.replace('gatehouse_', 'auth_')));
  });

  it('lets several processes migrate one fresh database at the same time: one applies, none fails', async () => {
    database = await createTestDatabase(kind);
    // Independent pools (connections, for SQLite), as app instances starting together.
    const results = await Promise.all([migrateToLatest(database.connect()), migrateToLatest(database.connect()), migrateToLatest(database.db)]);
    expect(results.flatMap((result) => result.applied)).toEqual(['0001_initial']);
    expect(await tableNames(database.db)).toEqual(TABLES);
  });
});

describe('migrateToLatest and the stores refuse misuse early', () => {
  const mssql = new Kysely<any>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new MssqlIntrospector(db),
      createQueryCompiler: () => new MssqlQueryCompiler(),
    },
  });

  it('throws a TypeError for a dialect other than SQLite, PostgreSQL and MySQL', async () => {
    await expect(migrateToLatest(mssql)).rejects.toThrow(TypeError);
    expect(() => kyselyStore(mssql)).toThrow(/unsupported Kysely dialect/);
  });

  it('throws a TypeError that says what a table prefix may be', async () => {
    const sqlite = await createTestDatabase('sqlite-memory');
    try {
      for (const tablePrefix of ['', 'Auth_', '1st_', 'auth-', 'a'.repeat(33), 'x"; drop table users; --']) {
        await expect(migrateToLatest(sqlite.db, { tablePrefix })).rejects.toThrow(/tablePrefix must be 1 to 32 lower-case letters/);
        expect(() => kyselyStore(sqlite.db, { tablePrefix })).toThrow(TypeError);
      }
    } finally {
      await sqlite.destroy();
    }
  });
});
