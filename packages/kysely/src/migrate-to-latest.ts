import { setTimeout } from 'node:timers/promises';
import type { UserIdKind } from '@gatehouse-auth/core';
import type { Kysely, Migrator } from 'kysely';
import { detectDialect } from './lib/dialect.js';
import type { SqlDialect } from './lib/dialect.js';
import { existingTables, gatehouseMigrator, installArguments, isAlreadyExists } from './lib/migrator.js';
import { kyselyMigrations, schemaStepNames, schemaStepTables } from './lib/schema-migrations.js';
import { schemaNames } from './lib/tables.js';
import type { SchemaNames } from './lib/tables.js';
import { userIdColumnKind, userIdKind, userIdMismatch } from './lib/user-id-column.js';

/** Options of {@link migrateToLatest}. */
export interface MigrateToLatestOptions {
  /** Prefix of every table and index name; the default is `gatehouse_`. Use the same one for the stores. */
  tablePrefix?: string;
  /**
   * The kind of user ids the tables are made for (default `'string'`: the ids Gatehouse
   * chooses, UUIDs or your generator's, in varchar columns). `'integer'` makes `users.id` an
   * auto-increment primary key (BIGINT; SQLite's INTEGER) and every `user_id` a BIGINT, for
   * `userIds: 'integer'` in `createAuth`. Chosen once, when the tables are created: it must be
   * the same at every later call, and the same as the store's.
   */
  userIds?: UserIdKind;
}

/** What {@link migrateToLatest} did. */
export interface MigrateToLatestResult {
  /** Names of the migrations this call applied, in order; empty when the schema was up to date. */
  applied: string[];
}

/**
 * Brings Gatehouse's tables up to date, with Kysely's `Migrator` and the migrations built into
 * this package.
 *
 * Safe to call at every start, and from several processes at once: the Migrator takes a lock on
 * PostgreSQL and MySQL; on a SQLite file, a process that loses the race finds the schema
 * migrated by the other and returns. Migrations already applied are skipped. Gatehouse keeps its own
 * migration history in `<prefix>migrations`, apart from your app's migrations. Plugins on `db`
 * (e.g. `CamelCasePlugin`) are ignored.
 *
 * @throws TypeError when `tablePrefix` or `userIds` is invalid, the dialect is not SQLite,
 * PostgreSQL or MySQL, or the tables exist for another kind of user id than `userIds` says (an
 * install never switches; nothing is changed then).
 * @throws Error when the tables exist but no migration is recorded (the DDL was applied by hand
 * or by another tool): its message says to run `baselineMigrations` first, and its `cause` is the
 * database's "already exists" error.
 * @throws the database's error when a migration fails (on PostgreSQL and SQLite nothing of that
 * migration is left behind; MySQL cannot roll back DDL).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { migrateToLatest } from '@gatehouse-auth/kysely';
 *
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database('app.db') }) });
 * const { applied } = await migrateToLatest(db);
 * // New tables for store-assigned ids 1, 2, 3, … (`userIds: 'integer'` in createAuth):
 * // await migrateToLatest(db, { userIds: 'integer' });
 * ```
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateToLatestOptions = {}): Promise<MigrateToLatestResult> {
  const names = schemaNames(options.tablePrefix, 'migrateToLatest');
  const dialect = detectDialect(db, 'migrateToLatest');
  const userIds = userIdKind(options.userIds, 'migrateToLatest');
  // Tables made for the other kind of id are left as they are: the later steps would not fit them.
  const existing = await userIdColumnKind(db, names, dialect);
  if (existing !== null && existing !== userIds) throw new TypeError(userIdMismatch('migrateToLatest', names.tables.users, existing, userIds));
  const migrations = kyselyMigrations(names, dialect, userIds);
  const migrator = gatehouseMigrator(db, names, migrations);
  for (let attempt = 1; ; attempt += 1) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) {
      return { applied: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
    }
    // Kysely locks PostgreSQL and MySQL, but not a SQLite file shared by several processes:
    // there, another process may have migrated first. SQLite's DDL is transactional, so the
    // failed attempt left nothing behind, and what counts is whether the schema is current.
    if (await isUpToDate(migrator)) return { applied: [] };
    const handMade = await handMadeSchema(error, migrator, db, names, dialect);
    if (handMade !== undefined) throw handMade;
    if (dialect !== 'sqlite' || attempt >= SQLITE_ATTEMPTS) throw error;
    await setTimeout(50 * attempt);
  }
}

const SQLITE_ATTEMPTS = 3;

async function isUpToDate(migrator: Migrator): Promise<boolean> {
  try {
    return (await migrator.getMigrations()).every((migration) => migration.executedAt !== undefined);
  } catch {
    return false;
  }
}

/**
 * The error to throw instead of the database's "already exists" when the schema was created
 * without the migrator (the DDL of `gatehouse-kysely sql`, applied by hand or by another tool):
 * the history is empty but the tables are there. It says to record them with a baseline.
 */
async function handMadeSchema(
  error: unknown,
  migrator: Migrator,
  db: Kysely<any>,
  names: SchemaNames,
  dialect: SqlDialect,
): Promise<Error | undefined> {
  if (!isAlreadyExists(error)) return undefined;
  let recorded: boolean;
  try {
    recorded = (await migrator.getMigrations()).some((migration) => migration.executedAt !== undefined);
  } catch {
    return undefined;
  }
  if (recorded) return undefined;
  const steps = schemaStepNames();
  const tables = await existingTables(db, dialect, steps.flatMap((step) => schemaStepTables(step).map((table) => names.tables[table])));
  const complete: string[] = [];
  for (const step of steps) {
    if (!schemaStepTables(step).every((table) => tables.has(names.tables[table]))) break;
    complete.push(step);
  }
  const reason = error instanceof Error ? error.message : String(error);
  const history = `no Gatehouse migration is recorded in ${names.migrationTable}: the schema was created without migrateToLatest (by hand, or from \`gatehouse-kysely sql\` with your own migration tool)`;
  const through = complete.at(-1);
  if (through === undefined) {
    return new Error(
      `migrateToLatest: ${reason}, and ${history}, but not every table of ${steps[0]} exists. Create the missing ones from \`gatehouse-kysely sql --dialect ${dialect} --to ${steps[0]}\` or drop the partial ones, then run migrateToLatest again.`,
      { cause: error },
    );
  }
  const args = installArguments(names, undefined);
  const code = args.code === '' ? `{ through: '${through}' }` : `{ through: '${through}', tablePrefix: '${names.prefix}' }`;
  return new Error(
    `migrateToLatest: ${reason}, and ${history}. Record the migrations it holds as applied with baselineMigrations(db, ${code}) ` +
      `or \`npx gatehouse-kysely baseline --url <database url> --through ${through}${args.flags}\`, then run migrateToLatest again: it applies only the migrations after ${through}.`,
    { cause: error },
  );
}
