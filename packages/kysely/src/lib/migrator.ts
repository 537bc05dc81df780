import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';
import { DEFAULT_TABLE_PREFIX } from './tables.js';
import type { SchemaNames } from './tables.js';
import type { UserIdKind } from '@gatehouse-auth/core';

/** Kysely's Migrator over Gatehouse's own history tables (`<prefix>migrations`, `<prefix>migrations_lock`). */
export function gatehouseMigrator(db: Kysely<any>, names: SchemaNames, migrations: Record<string, Migration>): Migrator {
  return new Migrator({
    db: db.withoutPlugins(),
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
    migrationTableName: names.migrationTable,
    migrationLockTableName: names.migrationLockTable,
  });
}

/** Which of `tables` exist, found the way the store's queries find them (PostgreSQL: through the search_path). */
export async function existingTables(db: Kysely<any>, dialect: SqlDialect, tables: readonly string[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const plain = db.withoutPlugins();
  const list = sql.join([...tables]);
  const query =
    dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name in (${list})`
      : dialect === 'postgres'
        ? sql<{ name: string }>`select name from unnest(array[${list}]::text[]) as t(name) where to_regclass(quote_ident(name)) is not null`
        : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = database() and table_name in (${list})`;
  const { rows } = await query.execute(plain);
  return new Set(rows.map((row) => String(row.name)));
}

/** Whether a failed DDL statement failed because its table or index exists already. */
export function isAlreadyExists(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
  // PostgreSQL 42P07 duplicate_table (tables and indexes); MySQL ER_TABLE_EXISTS_ERROR, ER_DUP_KEYNAME;
  // SQLite "table … already exists" / "index … already exists".
  return code === '42P07' || errno === 1050 || errno === 1061 || (typeof message === 'string' && /already exists/i.test(message));
}

/** The options that name an install, as code and as CLI flags, for messages that say what to run. */
export function installArguments(names: SchemaNames, userIds: UserIdKind | undefined): { code: string; flags: string } {
  const options: string[] = [];
  const flags: string[] = [];
  if (names.prefix !== DEFAULT_TABLE_PREFIX) {
    options.push(`tablePrefix: '${names.prefix}'`);
    flags.push(` --table-prefix ${names.prefix}`);
  }
  if (userIds === 'integer') {
    options.push("userIds: 'integer'");
    flags.push(' --user-ids integer');
  }
  return { code: options.length > 0 ? `, { ${options.join(', ')} }` : '', flags: flags.join('') };
}
