// The schema's status, the start-up check, and the baseline for a schema applied without the
// migrator (the DDL of `gatehouse-kysely sql`, by hand or by another migration tool).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineMigrations, checkSchema, kyselyStore, migrateToLatest, migrationStatus, SchemaNotCurrentError } from './index.js';
import { gatehouseMigrator } from './lib/migrator.js';
import { kyselyMigrations } from './lib/schema-migrations.js';
import { schemaNames } from './lib/tables.js';
import { applyDdl } from './test-support/apply-ddl.js';
import { createTestDatabase } from './test-support/databases.js';
import type { TestDatabase } from './test-support/databases.js';

async function tableNames(db: Kysely<any>): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort();
}

const now = new Date('2030-01-01T00:00:00.001Z');
const user = () => ({
  id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerifiedAt: null, passwordHash: null, role: 'user', status: 'active' as const, profile: {}, createdAt: now, updatedAt: now, lastLoginAt: null,
});

describe.each([
  ['SQLite (file)', 'sqlite-file'],
  ['PostgreSQL', 'postgres'],
  ['MariaDB', 'mysql'],
] as const)('schema status and baseline on %s', (_label, kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('reports a fresh database as pending without creating anything; checkSchema says what to run', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    expect(await migrationStatus(db)).toEqual({
      migrations: [
        { name: '0001_initial', state: 'pending', appliedAt: null, missingTables: ['gatehouse_users', 'gatehouse_sessions', 'gatehouse_refresh_tokens', 'gatehouse_one_time_tokens', 'gatehouse_rate_limits'] },
        { name: '0002_profile_unique_values', state: 'pending', appliedAt: null, missingTables: ['gatehouse_profile_unique_values'] },
      ],
      pending: ['0001_initial', '0002_profile_unique_values'],
    });
    const check = checkSchema(db);
    await expect(check).rejects.toBeInstanceOf(SchemaNotCurrentError);
    await expect(check).rejects.toMatchObject({ pending: ['0001_initial', '0002_profile_unique_values'] });
    await expect(check).rejects.toThrow(
      `checkSchema: Gatehouse's schema is not current: 2 migrations pending (0001_initial, 0002_profile_unique_values). Run migrateToLatest(db) or \`npx gatehouse-kysely migrate --url <database url>\`; ` +
        `with your own migration tool, apply the SQL of \`npx gatehouse-kysely sql --dialect ${database.dialect} --from 0001_initial\`.`,
    );
    expect(await tableNames(db)).toEqual([]);
  });

  it('reports every migration as applied after migrateToLatest, and checkSchema passes', async () => {
    database = await createTestDatabase(kind);
    const before = Date.now();
    await migrateToLatest(database.db);
    const status = await checkSchema(database.db);
    expect(status.pending).toEqual([]);
    expect(status.migrations.map((migration) => migration.state)).toEqual(['applied', 'applied']);
    for (const migration of status.migrations) expect(migration.appliedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // and with the store's other options
    await migrateToLatest(database.db, { tablePrefix: 'int_', userIds: 'integer' });
    await expect(checkSchema(database.db, { tablePrefix: 'int_', userIds: 'integer' })).resolves.toMatchObject({ pending: [] });
    await expect(checkSchema(database.db, { tablePrefix: 'int_' })).rejects.toThrow(/checkSchema: the table int_users has integer user ids/);
  });

  it('names the one pending migration of an older install, with the install\'s options in what to run', async () => {
    database = await createTestDatabase(kind);
    const names = schemaNames('auth_', 'test');
    const migrator = gatehouseMigrator(database.db, names, kyselyMigrations(names, database.dialect, 'integer'));
    expect((await migrator.migrateTo('0001_initial')).error).toBeUndefined();
    await expect(checkSchema(database.db, { tablePrefix: 'auth_', userIds: 'integer' })).rejects.toThrow(
      `1 migration pending (0002_profile_unique_values). Run migrateToLatest(db, { tablePrefix: 'auth_', userIds: 'integer' }) or \`npx gatehouse-kysely migrate --url <database url> --table-prefix auth_ --user-ids integer\`; ` +
        `with your own migration tool, apply the SQL of \`npx gatehouse-kysely sql --dialect ${database.dialect} --table-prefix auth_ --user-ids integer --from 0002_profile_unique_values\`.`,
    );
    await migrateToLatest(database.db, { tablePrefix: 'auth_', userIds: 'integer' });
    await expect(checkSchema(database.db, { tablePrefix: 'auth_', userIds: 'integer' })).resolves.toMatchObject({ pending: [] });
  });

  it('accepts a schema applied with your own tool (unrecorded); migrateToLatest over it says to baseline, and after the baseline takes over', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = database;
    await applyDdl(db, dialect);
    const status = await checkSchema(db);
    expect(status.migrations.map((migration) => [migration.name, migration.state, migration.appliedAt])).toEqual([
      ['0001_initial', 'unrecorded', null],
      ['0002_profile_unique_values', 'unrecorded', null],
    ]);

    const failed = await migrateToLatest(db).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failed?.message).toMatch(/^migrateToLatest: .*already exists.*, and no Gatehouse migration is recorded in gatehouse_migrations: the schema was created without migrateToLatest/);
    expect(failed?.message).toContain(
      "Record the migrations it holds as applied with baselineMigrations(db, { through: '0002_profile_unique_values' }) or `npx gatehouse-kysely baseline --url <database url> --through 0002_profile_unique_values`, then run migrateToLatest again",
    );
    expect(String((failed?.cause as Error | undefined)?.message)).toMatch(/already exists/);

    expect(await baselineMigrations(db, { through: '0002' })).toEqual({ recorded: ['0001_initial', '0002_profile_unique_values'] });
    expect((await migrationStatus(db)).migrations.map((migration) => migration.state)).toEqual(['applied', 'applied']);
    expect(await baselineMigrations(db, { through: '0002_profile_unique_values' })).toEqual({ recorded: [] });
    expect(await baselineMigrations(db, { through: '0001' })).toEqual({ recorded: [] });
    expect(await migrateToLatest(db)).toEqual({ applied: [] });
  });

  it('baselines the migrations that were applied by hand, refuses those whose tables are missing, and lets migrateToLatest run the rest', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = database;
    await applyDdl(db, dialect, { to: '0001' });
    const store = kyselyStore(db);
    const ada = user();
    await store.createUser(ada);
    expect((await migrationStatus(db)).migrations.map((migration) => migration.state)).toEqual(['unrecorded', 'pending']);
    await expect(checkSchema(db)).rejects.toThrow(/1 migration pending \(0002_profile_unique_values\)/);
    await expect(migrateToLatest(db)).rejects.toThrow(/baselineMigrations\(db, \{ through: '0001_initial' \}\)/);

    await expect(baselineMigrations(db, { through: '0002' })).rejects.toThrow(
      `baselineMigrations: refusing to record 0001_initial, 0002_profile_unique_values as applied: the table gatehouse_profile_unique_values (0002_profile_unique_values) does not exist. ` +
        `Baseline only what you applied ({ through: '0001_initial' }) and let migrateToLatest create the rest, or apply their SQL first (gatehouse-kysely sql --dialect ${dialect} --from 0002_profile_unique_values). Nothing was recorded.`,
    );
    expect((await migrationStatus(db)).migrations.map((migration) => migration.state)).toEqual(['unrecorded', 'pending']);

    expect(await baselineMigrations(db, { through: '0001_initial' })).toEqual({ recorded: ['0001_initial'] });
    expect(await migrateToLatest(db)).toEqual({ applied: ['0002_profile_unique_values'] });
    expect((await checkSchema(db)).migrations.map((migration) => migration.state)).toEqual(['applied', 'applied']);
    expect(await store.findUserById(ada.id)).toEqual(ada);
  });

  it('refuses to baseline a database without the tables, or without saying through which migration', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    await expect(baselineMigrations(db, { through: '0001' })).rejects.toThrow(
      /refusing to record 0001_initial as applied: the tables gatehouse_users \(0001_initial\), .* do not exist\. Let migrateToLatest create them/,
    );
    await expect(baselineMigrations(db, {} as never)).rejects.toThrow(/baselineMigrations: say through which migration .* \{ through: '0001_initial' \}/);
    await expect(baselineMigrations(db, { through: '0009' })).rejects.toThrow(TypeError);
    expect(await tableNames(db)).toEqual([]);
  });

  it('with a table prefix, judges and records only the tables and history of that prefix', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = database;
    await applyDdl(db, dialect, { tablePrefix: 'auth_' });
    await expect(checkSchema(db)).rejects.toThrow(/2 migrations pending/);
    await expect(migrateToLatest(db, { tablePrefix: 'auth_' })).rejects.toThrow(
      "baselineMigrations(db, { through: '0002_profile_unique_values', tablePrefix: 'auth_' }) or `npx gatehouse-kysely baseline --url <database url> --through 0002_profile_unique_values --table-prefix auth_`",
    );
    expect(await baselineMigrations(db, { through: '0002', tablePrefix: 'auth_' })).toEqual({ recorded: ['0001_initial', '0002_profile_unique_values'] });
    expect(await migrateToLatest(db, { tablePrefix: 'auth_' })).toEqual({ applied: [] });
    expect((await migrationStatus(db)).pending).toEqual(['0001_initial', '0002_profile_unique_values']);
  });
});
