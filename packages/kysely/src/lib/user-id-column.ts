import type { UserIdKind } from '@gatehouse-auth/core';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { SchemaNames } from './tables.js';

/** The `userIds` option of {@link migrateToLatest}, `schemaSql` and `kyselyStore`, checked. */
export function userIdKind(value: unknown, caller: string): UserIdKind {
  if (value === undefined || value === 'string' || value === 'integer') return value ?? 'string';
  throw new TypeError(
    `${caller}: userIds must be 'string' (the default: ids Gatehouse chooses, UUIDs or your own generator's) or 'integer' (the database assigns 1, 2, 3, …), not ${JSON.stringify(value)}.`,
  );
}

/**
 * The kind of user id the users table was made for, read from the type of its `id` column:
 * `integer` for an integer column, `string` for text; `null` when the table does not exist (yet).
 */
export async function userIdColumnKind(db: Kysely<any>, names: SchemaNames, dialect: SqlDialect): Promise<UserIdKind | null> {
  const table = names.tables.users;
  const query =
    dialect === 'sqlite'
      ? sql<{ type: string }>`select type from pragma_table_info(${table}) where name = 'id'`
      : dialect === 'postgres'
        ? // to_regclass finds the table the way the store's queries do, through the search_path.
          sql<{ type: string }>`select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = to_regclass(${table}) and attname = 'id' and not attisdropped`
        : sql<{ type: string }>`select data_type as type from information_schema.columns where table_schema = database() and table_name = ${table} and column_name = 'id'`;
  const { rows } = await query.execute(db.withoutPlugins());
  const type = rows[0]?.type;
  if (type === undefined) return null;
  return /int/i.test(String(type)) ? 'integer' : 'string';
}

/** What to tell someone whose users table was made for other ids than `wanted`. */
export function userIdMismatch(caller: string, table: string, found: UserIdKind, wanted: UserIdKind): string {
  if (found === 'integer') {
    return (
      `${caller}: the table ${table} has integer user ids (made by migrateToLatest(db, { userIds: 'integer' })), but ${caller} was given string ids. ` +
      "Pass { userIds: 'integer' } to migrateToLatest and kyselyStore, and set userIds: 'integer' in createAuth."
    );
  }
  return (
    `${caller}: the table ${table} has string user ids (varchar, made without { userIds: 'integer' }), but ${caller} was given { userIds: '${wanted}' }. ` +
    "An install cannot switch to integer ids: remove userIds: 'integer' from migrateToLatest, kyselyStore and createAuth, " +
    "or make new tables for integer ids under another tablePrefix."
  );
}
