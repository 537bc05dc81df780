import type { SqlDialect } from './dialect.js';
import type { SchemaNames } from './tables.js';

interface DriverError {
  code?: unknown;
  errno?: unknown;
  constraint?: unknown;
  message?: unknown;
}

function fields(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

/**
 * Whether `error` is a unique violation of the users' email index, and of nothing else: a
 * duplicate id or token hash is a bug, not `EMAIL_TAKEN`, and must surface as such.
 */
export function isEmailTaken(error: unknown, names: SchemaNames, dialect: SqlDialect): boolean {
  const { code, errno, constraint, message } = fields(error);
  const text = typeof message === 'string' ? message : '';
  switch (dialect) {
    case 'postgres':
      // 23505 unique_violation; node-postgres names the violated index.
      return code === '23505' && constraint === names.usersEmailIndex;
    case 'mysql':
      // ER_DUP_ENTRY: "Duplicate entry '…' for key 'idx'" (MariaDB) or "… for key 'table.idx'" (MySQL 8).
      return (
        (errno === 1062 || code === 'ER_DUP_ENTRY') &&
        (text.endsWith(`for key '${names.usersEmailIndex}'`) || text.endsWith(`for key '${names.tables.users}.${names.usersEmailIndex}'`))
      );
    case 'sqlite':
      // better-sqlite3 (and libSQL) name the column, not the index.
      return (
        (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT') &&
        text.endsWith(`UNIQUE constraint failed: ${names.tables.users}.email`)
      );
  }
}

/**
 * Whether `error` is a violation of the primary key of profile_unique_values, (field, value):
 * another user holds the value. Anything else (a missing table, a lost connection) is not.
 * Judge only errors of an insert into that table: MariaDB does not name the table of a
 * primary-key violation.
 */
export function isUniqueValueTaken(error: unknown, names: SchemaNames, dialect: SqlDialect): boolean {
  const { code, errno, constraint, message } = fields(error);
  const text = typeof message === 'string' ? message : '';
  const table = names.tables.profile_unique_values;
  switch (dialect) {
    case 'postgres':
      return code === '23505' && constraint === names.profileUniqueValuesKey;
    case 'mysql':
      // MySQL names every primary key PRIMARY, whatever name the DDL gave.
      return (errno === 1062 || code === 'ER_DUP_ENTRY') && (text.endsWith("for key 'PRIMARY'") || text.endsWith(`for key '${table}.PRIMARY'`));
    case 'sqlite':
      return (
        (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT') &&
        text.endsWith(`constraint failed: ${table}.field, ${table}.value`)
      );
  }
}

/** Whether the database aborted a transaction to break a deadlock, so running it again is safe. */
export function isDeadlock(error: unknown): boolean {
  const { code, errno } = fields(error);
  // MySQL ER_LOCK_DEADLOCK; PostgreSQL deadlock_detected.
  return errno === 1213 || code === 'ER_LOCK_DEADLOCK' || code === '40P01';
}
