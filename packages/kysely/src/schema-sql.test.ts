import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, schemaSql } from './index.js';
import type { SqlDialect } from './index.js';
import { createTestDatabase } from './test-support/databases.js';
import type { TestDatabase } from './test-support/databases.js';

/** The DDL's statements, without its comment lines. */
function statements(ddl: string): string[] {
  return ddl
    .split(/;\n/)
    .map((statement) => statement.replace(/^--.*$/gm, '').trim())
    .filter((statement) => statement !== '');
}

interface SchemaDescription {
  columns: string[];
  indexes: string[];
  tables: string[];
}

/**
 * Tables, columns (declared type, nullability, key) and indexes of the tables with `prefix`,
 * as the database itself reports them, with the prefix taken out so two prefixes compare.
 */
async function describeSchema(db: Kysely<any>, dialect: SqlDialect, prefix: string): Promise<SchemaDescription> {
  const strip = (text: string): string => text.split(prefix).join('');
  const ours = (name: string): boolean => name.startsWith(prefix) && !name.startsWith(`${prefix}migrations`);
  const tableNames = (await db.introspection.getTables()).map((table) => table.name).filter(ours).sort();
  const columns: string[] = [];
  const indexes: string[] = [];
  const tables: string[] = [];
  for (const table of tableNames) {
    if (dialect === 'sqlite') {
      const info = await sql<{ name: string; type: string; notnull: number; pk: number }>`select * from pragma_table_info(${table})`.execute(db);
      for (const c of info.rows) columns.push(strip(`${table}.${c.name} ${c.type} notnull=${c.notnull} pk=${c.pk}`));
      const list = await sql<{ name: string; unique: number; origin: string }>`select * from pragma_index_list(${table})`.execute(db);
      for (const index of list.rows) {
        const cols = await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db);
        indexes.push(strip(`${table} ${index.origin === 'pk' ? '(primary key)' : index.name} unique=${index.unique} (${cols.rows.map((c) => c.name).join(', ')})`));
      }
      tables.push(strip(table));
    } else if (dialect === 'postgres') {
      const info = await sql<{ column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string; column_default: string | null }>`
        select column_name, data_type, character_maximum_length, is_nullable, column_default
        from information_schema.columns where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
      for (const c of info.rows) columns.push(strip(`${table}.${c.column_name} ${c.data_type}(${c.character_maximum_length ?? ''}) nullable=${c.is_nullable} default=${c.column_default}`));
      const list = await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = current_schema() and tablename = ${table}`.execute(db);
      for (const index of list.rows) indexes.push(strip(index.indexdef));
      tables.push(strip(table));
    } else {
      const info = await sql<{ COLUMN_NAME: string; COLUMN_TYPE: string; IS_NULLABLE: string; COLUMN_KEY: string; COLLATION_NAME: string | null }>`
        select column_name as COLUMN_NAME, column_type as COLUMN_TYPE, is_nullable as IS_NULLABLE, column_key as COLUMN_KEY, collation_name as COLLATION_NAME
        from information_schema.columns where table_schema = database() and table_name = ${table} order by ordinal_position`.execute(db);
      for (const c of info.rows) columns.push(strip(`${table}.${c.COLUMN_NAME} ${c.COLUMN_TYPE} nullable=${c.IS_NULLABLE} key=${c.COLUMN_KEY} collation=${c.COLLATION_NAME}`));
      const list = await sql<{ INDEX_NAME: string; NON_UNIQUE: number; COLS: string }>`
        select index_name as INDEX_NAME, non_unique as NON_UNIQUE, group_concat(column_name order by seq_in_index) as COLS
        from information_schema.statistics where table_schema = database() and table_name = ${table} group by index_name, non_unique`.execute(db);
      for (const index of list.rows) indexes.push(strip(`${table} ${index.INDEX_NAME} non_unique=${index.NON_UNIQUE} (${index.COLS})`));
      const options = await sql<{ ENGINE: string; TABLE_COLLATION: string }>`
        select engine as ENGINE, table_collation as TABLE_COLLATION from information_schema.tables where table_schema = database() and table_name = ${table}`.execute(db);
      tables.push(strip(`${table} engine=${options.rows[0]?.ENGINE} collation=${options.rows[0]?.TABLE_COLLATION}`));
    }
  }
  return { tables, columns: columns.sort(), indexes: indexes.sort() };
}

const KINDS = [
  ['sqlite', 'sqlite-memory'],
  ['postgres', 'postgres'],
  ['mysql', 'mysql'],
] as const;

describe.each(KINDS)('schemaSql(%j)', (dialect, kind) => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('prints DDL that creates exactly the tables, columns and indexes the migrations create', async () => {
    const db = database?.db;
    if (db === undefined) throw new Error('no test database');
    await migrateToLatest(db, { tablePrefix: 'migrated_' });
    for (const statement of statements(schemaSql(dialect, { tablePrefix: 'printed_' }))) await sql.raw(statement).execute(db);

    const migrated = await describeSchema(db, dialect, 'migrated_');
    const printed = await describeSchema(db, dialect, 'printed_');
    expect(migrated.tables).toEqual(['one_time_tokens', 'profile_unique_values', 'rate_limits', 'refresh_tokens', 'sessions', 'users'].map((table) => (dialect === 'mysql' ? `${table} engine=InnoDB collation=utf8mb4_bin` : table)));
    expect(migrated.indexes.length).toBeGreaterThanOrEqual(13);
    expect(printed).toEqual(migrated);
  });

  it('is stable: the checked-in schema file shows every change to it in review', async () => {
    await expect(schemaSql(dialect)).toMatchFileSnapshot(`./__snapshots__/schema.${dialect}.sql`);
  });

  it('prints, for integer user ids, exactly what migrateToLatest creates with { userIds: "integer" }', async () => {
    const db = database?.db;
    if (db === undefined) throw new Error('no test database');
    await migrateToLatest(db, { tablePrefix: 'int_migrated_', userIds: 'integer' });
    for (const statement of statements(schemaSql(dialect, { tablePrefix: 'int_printed_', userIds: 'integer' }))) await sql.raw(statement).execute(db);

    const migrated = await describeSchema(db, dialect, 'int_migrated_');
    expect(await describeSchema(db, dialect, 'int_printed_')).toEqual(migrated);
    const userIdColumns = migrated.columns.filter((column) => /^(users\.id|\w+\.user_id) /.test(column) && !column.startsWith('profile_unique_values.'));
    const integer = { sqlite: /^(users\.id INTEGER|\w+\.user_id bigint) /i, postgres: / bigint\(\) /, mysql: / bigint(\(20\))? / }[dialect];
    expect(userIdColumns).toHaveLength(3);
    for (const column of userIdColumns) expect(column).toMatch(integer);
  });

  it('prints one migration at a time: 0001 then 0002, applied in turn, make the same schema as migrateToLatest', async () => {
    const db = database?.db;
    if (db === undefined) throw new Error('no test database');
    await migrateToLatest(db, { tablePrefix: 'whole_' });
    for (const statement of statements(schemaSql(dialect, { tablePrefix: 'steps_', from: '0001', to: '0001' }))) await sql.raw(statement).execute(db);
    expect((await describeSchema(db, dialect, 'steps_')).tables).toHaveLength(5);
    for (const statement of statements(schemaSql(dialect, { tablePrefix: 'steps_', from: '0002_profile_unique_values' }))) await sql.raw(statement).execute(db);
    expect(await describeSchema(db, dialect, 'steps_')).toEqual(await describeSchema(db, dialect, 'whole_'));
  });

  it('is stable for integer user ids too (its own checked-in file; the string one is unchanged)', async () => {
    await expect(schemaSql(dialect, { userIds: 'integer' })).toMatchFileSnapshot(`./__snapshots__/schema.${dialect}.integer.sql`);
  });
});

describe('schemaSql', () => {
  it('names every table and index with the prefix', () => {
    const ddl = schemaSql('postgres', { tablePrefix: 'auth_' });
    expect(ddl).toContain('-- Gatehouse schema for PostgreSQL, table prefix "auth_".');
    expect(ddl).toContain('-- Generated by @gatehouse-auth/kysely from its migrations: 0001_initial, 0002_profile_unique_values.');
    const created = [...ddl.matchAll(/create (?:unique )?(?:table|index) "(\w+)"/g)].map((match) => match[1]);
    expect(created).toHaveLength(13);
    expect(ddl).toContain('constraint "auth_profile_unique_values_pkey" primary key ("field", "value")');
    for (const name of created) expect(name).toMatch(/^auth_/);
  });

  it('says which ids the DDL is for, and makes users.id an auto-increment key for integer ids', () => {
    expect(schemaSql('postgres', { userIds: 'integer' })).toContain('-- Gatehouse schema for PostgreSQL, table prefix "gatehouse_", integer user ids.');
    expect(schemaSql('postgres', { userIds: 'integer' })).toContain('"id" bigint generated by default as identity primary key');
    expect(schemaSql('sqlite', { userIds: 'integer' })).toContain('"id" integer primary key autoincrement');
    expect(schemaSql('mysql', { userIds: 'integer' })).toContain('`id` bigint primary key auto_increment');
    expect(schemaSql('sqlite', { userIds: 'string' })).toBe(schemaSql('sqlite'));
  });

  it('prints one migration or a range, named or numbered, and says which in its header', () => {
    const first = schemaSql('postgres', { from: '0001_initial', to: '0001_initial' });
    expect(first).toContain('-- Generated by @gatehouse-auth/kysely from its migrations: 0001_initial.');
    expect(first).toContain('create table "gatehouse_users"');
    expect(first).not.toContain('profile_unique_values');
    const second = schemaSql('postgres', { from: '0002' });
    expect(second).toContain('-- Generated by @gatehouse-auth/kysely from its migrations: 0002_profile_unique_values.');
    expect(second).toContain('create table "gatehouse_profile_unique_values"');
    expect(second).not.toContain('gatehouse_users');
    expect(schemaSql('postgres', { to: '1' })).toBe(first);
    expect(schemaSql('postgres', { from: '2', to: '0002' })).toBe(second);
    expect(schemaSql('mysql', { from: '0001', to: '0002_profile_unique_values' })).toBe(schemaSql('mysql'));
    // The range's statements are the whole schema's, split between the two.
    const body = (ddl: string): string => ddl.split('\n\n').slice(1).join('\n\n');
    expect(`${body(first)}\n${body(second)}`).toBe(body(schemaSql('postgres')));
  });

  it('throws a TypeError for an unknown migration or a range that runs backwards', () => {
    expect(() => schemaSql('sqlite', { from: '0003' })).toThrow(/schemaSql: from must name a Gatehouse migration, by name or number \(got "0003"\); they are 0001_initial, 0002_profile_unique_values/);
    expect(() => schemaSql('sqlite', { to: 'initial' })).toThrow(/to must name a Gatehouse migration/);
    expect(() => schemaSql('sqlite', { from: '0002', to: '0001' })).toThrow(/from \(0002_profile_unique_values\) comes after to \(0001_initial\)/);
  });

  it('throws a TypeError for an unknown dialect or an invalid prefix', () => {
    expect(() => schemaSql('oracle' as SqlDialect)).toThrow(/dialect must be one of sqlite, postgres, mysql/);
    expect(() => schemaSql('sqlite', { tablePrefix: 'Bad-Prefix' })).toThrow(TypeError);
    expect(() => schemaSql('sqlite', { userIds: 'uuid' as never })).toThrow(/schemaSql: userIds must be 'string' .* or 'integer'/);
  });
});
