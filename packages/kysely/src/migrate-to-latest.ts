import { setTimeout } from 'node:timers/promises';
import { Migrator } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { detectDialect } from './lib/dialect.js';
import { kyselyMigrations } from './lib/schema-migrations.js';
import { schemaNames } from './lib/tables.js';

/** Options of {@link migrateToLatest}. */
export interface MigrateToLatestOptions {
  /** Prefix of every table and index name; the default is `gatehouse_`. Use the same one for the stores. */
  tablePrefix?: string;
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
 * @throws TypeError when `tablePrefix` is invalid or the dialect is not SQLite, PostgreSQL or MySQL.
 * @throws the database's error when a migration fails (on PostgreSQL and SQLite nothing of that
 * migration is left behind; MySQL cannot roll back DDL).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { migrateToLatest } from '@gatehouse/kysely';
 *
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database('app.db') }) });
 * const { applied } = await migrateToLatest(db);
 * ```
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateToLatestOptions = {}): Promise<MigrateToLatestResult> {
  const names = schemaNames(options.tablePrefix, 'migrateToLatest');
  const dialect = detectDialect(db, 'migrateToLatest');
  const migrations = kyselyMigrations(names, dialect);
  const migrator = new Migrator({
    db: db.withoutPlugins(),
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
    migrationTableName: names.migrationTable,
    migrationLockTableName: names.migrationLockTable,
  });
  for (let attempt = 1; ; attempt += 1) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) {
      return { applied: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
    }
    // Kysely locks PostgreSQL and MySQL, but not a SQLite file shared by several processes:
    // there, another process may have migrated first. SQLite's DDL is transactional, so the
    // failed attempt left nothing behind, and what counts is whether the schema is current.
    if (await isUpToDate(migrator)) return { applied: [] };
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
