import { randomUUID } from 'node:crypto';
import { DummyDriver, Kysely, Migrator, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth } from '@gatehouse-auth/core';
import { kyselyStore, migrateToLatest } from './index.js';
import { kyselyMigrations } from './lib/schema-migrations.js';
import { schemaNames } from './lib/tables.js';
import { createTestDatabase } from './test-support/databases.js';
import type { TestDatabase } from './test-support/databases.js';

const TABLES = [
  'gatehouse_migrations',
  'gatehouse_migrations_lock',
  'gatehouse_one_time_tokens',
  'gatehouse_profile_unique_values',
  'gatehouse_rate_limits',
  'gatehouse_refresh_tokens',
  'gatehouse_sessions',
  'gatehouse_users',
];
const MIGRATIONS = ['0001_initial', '0002_profile_unique_values'];

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
    expect(await migrateToLatest(database.db)).toEqual({ applied: MIGRATIONS });
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
    expect(results.flatMap((result) => result.applied)).toEqual(MIGRATIONS);
    expect(await tableNames(database.db)).toEqual(TABLES);
  });

  it('upgrades an install of 0001 to 0002 without touching its rows; unique values then work', async () => {
    database = await createTestDatabase(kind);
    const names = schemaNames(undefined, 'test');
    const migrations = kyselyMigrations(names, database.dialect, 'string');
    const installed = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: names.migrationTable,
      migrationLockTableName: names.migrationLockTable,
    });
    expect((await installed.migrateTo('0001_initial')).error).toBeUndefined();
    expect(await tableNames(database.db)).toEqual(TABLES.filter((name) => name !== 'gatehouse_profile_unique_values'));
    const store = kyselyStore(database.db);
    const now = new Date('2030-01-01T00:00:00.001Z');
    const ada = { id: randomUUID(), email: 'ada@example.com', emailVerifiedAt: now, passwordHash: null, role: 'user', status: 'active' as const, profile: { username: 'Ada' }, createdAt: now, updatedAt: now, lastLoginAt: null };
    await store.createUser(ada);

    expect(await migrateToLatest(database.db)).toEqual({ applied: ['0002_profile_unique_values'] });
    expect(await tableNames(database.db)).toEqual(TABLES);
    expect(await store.findUserById(ada.id)).toEqual(ada);
    // Values of users from before are claimed by their next profile update.
    const username = { field: 'username', value: 'ada' };
    expect(await store.updateUser(ada.id, { profile: ada.profile, updatedAt: now }, { unique: [username] })).toEqual(ada);
    const eve = { ...ada, id: randomUUID(), email: 'eve@example.com' };
    await expect(store.createUser(eve, { unique: [username] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'username', code: 'taken' }] });
    expect(await store.findUserById(eve.id)).toBeNull();
  });

  it('creates tables for integer ids with { userIds: "integer" }: the database numbers users 1, 2, …, and a re-run is a no-op', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateToLatest(database.db, { userIds: 'integer' })).toEqual({ applied: MIGRATIONS });
    expect(await tableNames(database.db)).toEqual(TABLES);
    const store = kyselyStore(database.db, { userIds: 'integer' });
    const now = new Date('2030-01-01T00:00:00.001Z');
    const user = { id: null, email: 'first@example.com', emailVerifiedAt: null, passwordHash: null, role: 'user', status: 'active' as const, profile: {}, createdAt: now, updatedAt: now, lastLoginAt: null };
    expect(await store.createUser(user)).toBe(1);
    expect(await store.createUser({ ...user, email: 'second@example.com' })).toBe(2);
    expect(await migrateToLatest(database.db, { userIds: 'integer' })).toEqual({ applied: [] });
    expect(await store.findUserById(1)).toEqual({ ...user, id: 1 });
  });

  it('never switches the ids of an install: it refuses, says why, and changes nothing', async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db);
    const now = new Date('2030-01-01T00:00:00.001Z');
    const kept = { id: randomUUID(), email: 'kept@example.com', emailVerifiedAt: null, passwordHash: null, role: 'user', status: 'active' as const, profile: {}, createdAt: now, updatedAt: now, lastLoginAt: null };
    await kyselyStore(database.db).createUser(kept);
    const before = await tableNames(database.db);

    const switching = migrateToLatest(database.db, { userIds: 'integer' });
    await expect(switching).rejects.toThrow(TypeError);
    await expect(switching).rejects.toThrow(/migrateToLatest: the table gatehouse_users has string user ids .* An install cannot switch to integer ids/);
    expect(await tableNames(database.db)).toEqual(before);
    expect(await kyselyStore(database.db).findUserById(kept.id)).toEqual(kept);

    await migrateToLatest(database.db, { tablePrefix: 'int_', userIds: 'integer' });
    await expect(migrateToLatest(database.db, { tablePrefix: 'int_' })).rejects.toThrow(/the table int_users has integer user ids .* Pass \{ userIds: 'integer' \} to migrateToLatest and kyselyStore/);
  });

  it('fails every call of a store whose userIds disagree with the table, from the first one, saying what to set', async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db);
    await migrateToLatest(database.db, { tablePrefix: 'int_', userIds: 'integer' });

    const integerOverStrings = kyselyStore(database.db, { userIds: 'integer' });
    for (let call = 0; call < 2; call += 1) {
      await expect(integerOverStrings.findUserByEmail('ada@example.com')).rejects.toThrow(/kyselyStore: the table gatehouse_users has string user ids .* cannot switch/);
    }
    const stringsOverInteger = kyselyStore(database.db, { tablePrefix: 'int_' });
    await expect(stringsOverInteger.findUserById(randomUUID())).rejects.toThrow(TypeError);
    await expect(stringsOverInteger.listSessions(randomUUID())).rejects.toThrow(/kyselyStore: the table int_users has integer user ids .* set userIds: 'integer' in createAuth/);
    // The matching stores work.
    expect(await kyselyStore(database.db, { tablePrefix: 'int_', userIds: 'integer' }).findUserById(1)).toBeNull();
    expect(await kyselyStore(database.db).findUserById(randomUUID())).toBeNull();
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

  it("throws a TypeError for a userIds option other than 'string' and 'integer'", async () => {
    const sqlite = await createTestDatabase('sqlite-memory');
    try {
      await expect(migrateToLatest(sqlite.db, { userIds: 'uuid' as never })).rejects.toThrow(/migrateToLatest: userIds must be 'string' .* or 'integer'/);
      expect(() => kyselyStore(sqlite.db, { userIds: 'bigint' as never })).toThrow(/kyselyStore: userIds must be 'string'/);
      expect(await tableNames(sqlite.db)).toEqual([]);
    } finally {
      await sqlite.destroy();
    }
  });

  it('refuses, at createAuth, a store and a config that disagree about user ids', async () => {
    const sqlite = await createTestDatabase('sqlite-memory');
    try {
      const secret = 'x'.repeat(32);
      expect(() => createAuth({ store: kyselyStore(sqlite.db, { userIds: 'integer' }), secret })).toThrow(/this store assigns integer user ids itself.*set userIds: 'integer'/s);
      expect(() => createAuth({ store: kyselyStore(sqlite.db), secret, userIds: 'integer' })).toThrow(/kyselyStore\(db, \{ userIds: 'integer' \}\)/);
      expect(() => createAuth({ store: kyselyStore(sqlite.db, { userIds: 'integer' }), secret, userIds: 'integer' })).not.toThrow();
    } finally {
      await sqlite.destroy();
    }
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
