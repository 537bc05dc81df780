import { sql } from 'kysely';
import type { CompiledQuery, CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { SchemaNames } from './tables.js';

/** Something a migration runs: a Kysely schema builder, compiled once for execution or printing. */
interface Statement {
  compile(): CompiledQuery;
}

/**
 * One versioned step of the schema. Its statements are built, not run, so that the Migrator
 * executes them and `schemaSql` prints them from the same builders: the two cannot drift.
 *
 * Append-only: a released step is never edited or removed, and no step drops user data.
 */
interface SchemaStep {
  name: string;
  statements(db: Kysely<any>, names: SchemaNames, dialect: SqlDialect): Statement[];
}

// Every timestamp is BIGINT epoch milliseconds: exact to the millisecond and free of
// time-zone settings on all three databases (see the README). Ids and hashes are
// varchar(255) so that MySQL can index them.
const ID = 'varchar(255)';

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
    statements(db, names, dialect) {
      const t = names.tables;
      return [
        createTable(db, t.users, dialect)
          .addColumn('id', ID, (col) => col.notNull().primaryKey())
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
          .addColumn('user_id', ID, (col) => col.notNull())
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
          .addColumn('user_id', ID, (col) => col.notNull())
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
];

/** The names of every schema step, in order. */
export function schemaStepNames(): string[] {
  return STEPS.map((step) => step.name);
}

/** The steps as Kysely migrations, for a `Migrator`'s in-code provider. */
export function kyselyMigrations(names: SchemaNames, dialect: SqlDialect): Record<string, Migration> {
  const migrations: Record<string, Migration> = {};
  for (const step of STEPS) {
    migrations[step.name] = {
      async up(db: Kysely<any>): Promise<void> {
        for (const statement of step.statements(db, names, dialect)) await db.executeQuery(statement.compile());
      },
    };
  }
  return migrations;
}

/** Every statement of every step, compiled by `db` (which need not be connected). */
export function compileSchema(db: Kysely<any>, names: SchemaNames, dialect: SqlDialect): CompiledQuery[] {
  return STEPS.flatMap((step) => step.statements(db, names, dialect).map((statement) => statement.compile()));
}
