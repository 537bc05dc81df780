import type { UserIdKind } from '@gatehouse-auth/core';
import { sql } from 'kysely';
import type { CompiledQuery, CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { SchemaNames, TableName } from './tables.js';

/** Something a migration runs: a Kysely schema builder, compiled once for execution or printing. */
interface Statement {
  compile(): CompiledQuery;
}

/**
 * One versioned step of the schema. Its statements are built, not run, so that the Migrator
 * executes them and `schemaSql` prints them from the same builders: the two cannot drift.
 *
 * Append-only: a released step is never edited or removed, and no step drops user data. A step
 * builds the columns that hold user ids for the kind of ids the install was made for
 * (`userIds`), which never changes; a released step prints exactly what it did for string ids.
 */
interface SchemaStep {
  name: string;
  /** The tables the step creates: what `baselineMigrations` checks before recording it. */
  tables: readonly TableName[];
  statements(db: Kysely<any>, names: SchemaNames, dialect: SqlDialect, userIds: UserIdKind): Statement[];
}

// Every timestamp is BIGINT epoch milliseconds: exact to the millisecond and free of
// time-zone settings on all three databases (see the README). Ids and hashes are
// varchar(255) so that MySQL can index them.
const ID = 'varchar(255)';

/** The type of a column that refers to a user: their id's type. */
function userIdType(userIds: UserIdKind): 'varchar(255)' | 'bigint' {
  return userIds === 'integer' ? 'bigint' : ID;
}

/**
 * `users` with its `id` column: the id Gatehouse gives, or (`integer`) one the database assigns,
 * 1, 2, 3, … and never reused (SQLite's AUTOINCREMENT, PostgreSQL's identity, MySQL's auto_increment).
 */
function usersTable(db: Kysely<any>, name: string, dialect: SqlDialect, userIds: UserIdKind): CreateTableBuilder<string, 'id'> {
  const table = createTable(db, name, dialect);
  if (userIds === 'string') return table.addColumn('id', ID, (col) => col.notNull().primaryKey());
  if (dialect === 'sqlite') return table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
  if (dialect === 'postgres') return table.addColumn('id', 'bigint', (col) => col.generatedByDefaultAsIdentity().primaryKey());
  return table.addColumn('id', 'bigint', (col) => col.autoIncrement().primaryKey());
}

function createTable<T extends string>(db: Kysely<any>, name: T, dialect: SqlDialect): CreateTableBuilder<T, never> {
  const builder = db.schema.createTable(name);
  // MySQL: InnoDB for row locks and transactions whatever the server default; a binary
  // collation so that ids, hashes and emails compare exactly, as on SQLite and PostgreSQL
  // (the default collations are case- and accent-insensitive: 'müller' would equal 'muller').
  return dialect === 'mysql' ? builder.modifyEnd(sql`engine = InnoDB default character set utf8mb4 collate utf8mb4_bin`) : builder;
}

const STEPS: readonly SchemaStep[] = [
  {
    name: '0001_initial',
    tables: ['users', 'sessions', 'refresh_tokens', 'one_time_tokens', 'rate_limits'],
    statements(db, names, dialect, userIds) {
      const t = names.tables;
      return [
        usersTable(db, t.users, dialect, userIds)
          .addColumn('email', 'varchar(255)', (col) => col.notNull())
          .addColumn('email_verified_at', 'bigint')
          .addColumn('password_hash', 'text')
          .addColumn('role', 'varchar(255)', (col) => col.notNull())
          .addColumn('status', 'varchar(32)', (col) => col.notNull())
          .addColumn('profile', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .addColumn('updated_at', 'bigint', (col) => col.notNull())
          .addColumn('last_login_at', 'bigint'),
        db.schema.createIndex(names.usersEmailIndex).on(t.users).column('email').unique(),

        createTable(db, t.sessions, dialect)
          .addColumn('id', ID, (col) => col.notNull().primaryKey())
          .addColumn('user_id', userIdType(userIds), (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .addColumn('last_used_at', 'bigint', (col) => col.notNull())
          .addColumn('expires_at', 'bigint', (col) => col.notNull())
          .addColumn('revoked_at', 'bigint')
          .addColumn('revoked_reason', 'varchar(255)')
          .addColumn('rotation_key', 'varchar(255)', (col) => col.notNull())
          .addColumn('user_agent', 'text')
          .addColumn('ip', 'varchar(255)'),
        // listSessions (newest first), revokeUserSessions, deleteUser.
        db.schema.createIndex(names.sessionsUserIndex).on(t.sessions).columns(['user_id', 'created_at']),

        createTable(db, t.refresh_tokens, dialect)
          .addColumn('hash', ID, (col) => col.notNull().primaryKey())
          .addColumn('session_id', ID, (col) => col.notNull())
          .addColumn('issued_at', 'bigint', (col) => col.notNull())
          .addColumn('used_at', 'bigint'),
        // deleteUser, and any audit of a family.
        db.schema.createIndex(names.refreshTokensSessionIndex).on(t.refresh_tokens).column('session_id'),

        createTable(db, t.one_time_tokens, dialect)
          .addColumn('id', ID, (col) => col.notNull().primaryKey())
          .addColumn('hash', ID, (col) => col.notNull())
          .addColumn('user_id', userIdType(userIds), (col) => col.notNull())
          .addColumn('purpose', 'varchar(64)', (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .addColumn('expires_at', 'bigint', (col) => col.notNull())
          .addColumn('used_at', 'bigint')
          .addColumn('attempts_left', 'integer')
          .addColumn('data', 'text'),
        db.schema.createIndex(names.oneTimeTokensHashIndex).on(t.one_time_tokens).column('hash').unique(),
        // findActiveOneTimeToken, createOneTimeToken's voiding, voidOneTimeTokens, deleteUser.
        db.schema.createIndex(names.oneTimeTokensUserIndex).on(t.one_time_tokens).columns(['user_id', 'purpose', 'created_at']),

        createTable(db, t.rate_limits, dialect)
          // Keys are built by Gatehouse from a limit name, an account and an IP address.
          .addColumn('key', 'varchar(512)', (col) => col.notNull().primaryKey())
          .addColumn('count', 'integer', (col) => col.notNull())
          .addColumn('reset_at', 'bigint', (col) => col.notNull()),
        // Lets a periodic clean-up delete finished windows without a full scan.
        db.schema.createIndex(names.rateLimitsResetIndex).on(t.rate_limits).column('reset_at'),
      ];
    },
  },
  {
    name: '0002_profile_unique_values',
    tables: ['profile_unique_values'],
    statements(db, names, dialect) {
      const t = names.tables;
      return [
        // One row per unique profile value a user holds (`uniqueProfileFields`): the primary key
        // is what refuses a second holder, inside the transaction that writes the user. The user
        // id is text whatever the kind of the users' ids.
        createTable(db, t.profile_unique_values, dialect)
          .addColumn('field', 'varchar(64)', (col) => col.notNull())
          .addColumn('value', 'varchar(255)', (col) => col.notNull())
          .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
          .addPrimaryKeyConstraint(names.profileUniqueValuesKey, ['field', 'value']),
        // updateUser replaces a user's values, deleteUser frees them.
        db.schema.createIndex(names.profileUniqueValuesUserIndex).on(t.profile_unique_values).column('user_id'),
      ];
    },
  },
];

/** The names of every schema step, in order. */
export function schemaStepNames(): string[] {
  return STEPS.map((step) => step.name);
}

/** The tables a step creates. */
export function schemaStepTables(name: string): readonly TableName[] {
  const step = STEPS.find((candidate) => candidate.name === name);
  if (step === undefined) throw new Error(`unknown schema step ${name}`);
  return step.tables;
}

/**
 * Finds a step by its full name (`0002_profile_unique_values`) or its numeric prefix (`0002`, `2`).
 * @throws TypeError naming the steps there are, when none matches.
 */
export function resolveStepName(reference: string, caller: string, option: string): string {
  const text = String(reference).trim();
  const match = /^\d+$/.test(text)
    ? STEPS.find((step) => Number(step.name.slice(0, step.name.indexOf('_'))) === Number(text))
    : STEPS.find((step) => step.name === text);
  if (match === undefined) {
    throw new TypeError(
      `${caller}: ${option} must name a Gatehouse migration, by name or number (got ${JSON.stringify(reference)}); they are ${schemaStepNames().join(', ')}.`,
    );
  }
  return match.name;
}

/**
 * The names of the steps from `from` to `to`, both included (either may be left out: from the
 * first, to the last); names or numeric prefixes.
 * @throws TypeError for an unknown step, or a `from` after `to`.
 */
export function stepRange(from: string | undefined, to: string | undefined, caller: string): string[] {
  const names = schemaStepNames();
  const first = from === undefined ? 0 : names.indexOf(resolveStepName(from, caller, 'from'));
  const last = to === undefined ? names.length - 1 : names.indexOf(resolveStepName(to, caller, 'to'));
  if (first > last) throw new TypeError(`${caller}: from (${names[first]}) comes after to (${names[last]}).`);
  return names.slice(first, last + 1);
}

/** The steps as Kysely migrations, for a `Migrator`'s in-code provider. */
export function kyselyMigrations(names: SchemaNames, dialect: SqlDialect, userIds: UserIdKind): Record<string, Migration> {
  const migrations: Record<string, Migration> = {};
  for (const step of STEPS) {
    migrations[step.name] = {
      async up(db: Kysely<any>): Promise<void> {
        for (const statement of step.statements(db, names, dialect, userIds)) await db.executeQuery(statement.compile());
      },
    };
  }
  return migrations;
}

/** The statements of the steps named in `only` (default: every step), compiled by `db` (which need not be connected). */
export function compileSchema(
  db: Kysely<any>,
  names: SchemaNames,
  dialect: SqlDialect,
  userIds: UserIdKind,
  only: readonly string[] = schemaStepNames(),
): CompiledQuery[] {
  return STEPS.filter((step) => only.includes(step.name)).flatMap((step) =>
    step.statements(db, names, dialect, userIds).map((statement) => statement.compile()),
  );
}
