import type { UserIdKind } from '@gatehouse-auth/core';
import type { Kysely, Migration } from 'kysely';
import { detectDialect } from './lib/dialect.js';
import type { SqlDialect } from './lib/dialect.js';
import { existingTables, gatehouseMigrator, installArguments } from './lib/migrator.js';
import { kyselyMigrations, resolveStepName, schemaStepNames, schemaStepTables } from './lib/schema-migrations.js';
import { schemaNames } from './lib/tables.js';
import type { SchemaNames } from './lib/tables.js';
import { userIdColumnKind, userIdKind, userIdMismatch } from './lib/user-id-column.js';

/**
 * Where one migration stands on a database:
 * - `applied`: recorded in Gatehouse's migration history (`<prefix>migrations`);
 * - `unrecorded`: not recorded, but every table it creates exists (applied by hand or by your own
 *   migration tool; record it with {@link baselineMigrations} before switching to `migrateToLatest`);
 * - `pending`: not recorded, and not every table it creates exists.
 */
export type MigrationState = 'applied' | 'unrecorded' | 'pending';

/** One migration in a {@link SchemaStatus}. */
export interface MigrationStepStatus {
  /** The migration's name, e.g. `0001_initial`. */
  name: string;
  state: MigrationState;
  /** When `migrateToLatest` (or `baselineMigrations`) recorded it; `null` unless `applied`. */
  appliedAt: Date | null;
  /** The tables it creates that do not exist (empty for a complete migration). */
  missingTables: string[];
}

/** Every migration of this package, in order, and where each stands. */
export interface SchemaStatus {
  migrations: MigrationStepStatus[];
  /** Names of the migrations whose tables are missing (state `pending`): the store cannot work until they are applied. */
  pending: string[];
}

/** Options of {@link migrationStatus}, {@link checkSchema} and {@link baselineMigrations}. */
export interface SchemaStatusOptions {
  /** Prefix of every table and index name; the default is `gatehouse_`. The same as for `migrateToLatest` and the stores. */
  tablePrefix?: string;
}

/** Options of {@link checkSchema}. */
export interface CheckSchemaOptions extends SchemaStatusOptions {
  /** The kind of user ids the store is configured for, checked against the users table (default `'string'`). */
  userIds?: UserIdKind;
}

/** Options of {@link baselineMigrations}. */
export interface BaselineMigrationsOptions extends SchemaStatusOptions {
  /**
   * The last migration whose DDL you applied yourself, by name (`'0002_profile_unique_values'`)
   * or number (`'0002'`): it and every migration before it are recorded as applied.
   */
  through: string;
}

/** What {@link baselineMigrations} did. */
export interface BaselineMigrationsResult {
  /** Names of the migrations this call recorded as applied; empty when they all were already. */
  recorded: string[];
}

/** Thrown by {@link checkSchema} when migrations are pending; its message says what to run. */
export class SchemaNotCurrentError extends Error {
  override name = 'SchemaNotCurrentError';
  /** The pending migrations, in order. */
  readonly pending: string[];
  constructor(message: string, pending: string[]) {
    super(message);
    this.pending = pending;
  }
}

async function readStatus(db: Kysely<any>, names: SchemaNames, dialect: SqlDialect): Promise<SchemaStatus> {
  const steps = schemaStepNames();
  const noop: Migration = { async up(): Promise<void> {} };
  // getMigrations only reads: it creates no table when the history does not exist.
  const recorded = await gatehouseMigrator(db, names, Object.fromEntries(steps.map((step) => [step, noop]))).getMigrations();
  const tables = await existingTables(db, dialect, steps.flatMap((step) => schemaStepTables(step).map((table) => names.tables[table])));
  const migrations = steps.map((name): MigrationStepStatus => {
    const executedAt = recorded.find((migration) => migration.name === name)?.executedAt;
    const missingTables = schemaStepTables(name).map((table) => names.tables[table]).filter((table) => !tables.has(table));
    const state: MigrationState = executedAt !== undefined ? 'applied' : missingTables.length === 0 ? 'unrecorded' : 'pending';
    return { name, state, appliedAt: executedAt ?? null, missingTables };
  });
  return { migrations, pending: migrations.filter((migration) => migration.state === 'pending').map((migration) => migration.name) };
}

/**
 * Lists this package's migrations and where each stands on `db`: recorded as applied, applied
 * without being recorded (its tables exist), or pending. Only reads; creates nothing.
 *
 * @throws TypeError when `tablePrefix` is invalid or the dialect is not SQLite, PostgreSQL or MySQL.
 */
export async function migrationStatus(db: Kysely<any>, options: SchemaStatusOptions = {}): Promise<SchemaStatus> {
  const names = schemaNames(options.tablePrefix, 'migrationStatus');
  return readStatus(db, names, detectDialect(db, 'migrationStatus'));
}

/**
 * Checks, at start-up, that the tables the store needs are there and current: every migration
 * is recorded as applied by `migrateToLatest`, or (applied with your own migration tool) all its
 * tables exist. Only reads. Call it before serving when the schema is migrated by a separate
 * step (a deploy job, your own migration tool) rather than by `migrateToLatest` at start-up.
 *
 * @returns the status, when nothing is pending.
 * @throws SchemaNotCurrentError when migrations are pending, with a message that says what to run.
 * @throws TypeError when `tablePrefix` or `userIds` is invalid, or the users table was made for
 * another kind of user id than `userIds`.
 *
 * @example
 * ```ts
 * import { checkSchema } from '@gatehouse-auth/kysely';
 *
 * await checkSchema(db); // throws: "2 migrations pending (…): run migrateToLatest(db) or …"
 * ```
 */
export async function checkSchema(db: Kysely<any>, options: CheckSchemaOptions = {}): Promise<SchemaStatus> {
  const names = schemaNames(options.tablePrefix, 'checkSchema');
  const dialect = detectDialect(db, 'checkSchema');
  const userIds = userIdKind(options.userIds, 'checkSchema');
  const status = await readStatus(db, names, dialect);
  if (status.pending.length > 0) {
    const count = status.pending.length === 1 ? '1 migration pending' : `${status.pending.length} migrations pending`;
    const args = installArguments(names, userIds);
    throw new SchemaNotCurrentError(
      `checkSchema: Gatehouse's schema is not current: ${count} (${status.pending.join(', ')}). ` +
        `Run migrateToLatest(db${args.code}) or \`npx gatehouse-kysely migrate --url <database url>${args.flags}\`; ` +
        `with your own migration tool, apply the SQL of \`npx gatehouse-kysely sql --dialect ${dialect}${args.flags} --from ${status.pending[0]}\`.`,
      status.pending,
    );
  }
  const existing = await userIdColumnKind(db, names, dialect);
  if (existing !== null && existing !== userIds) throw new TypeError(userIdMismatch('checkSchema', names.tables.users, existing, userIds));
  return status;
}

/**
 * Records migrations as applied without running them, for a database whose Gatehouse tables
 * were created another way (the DDL of `schemaSql` / `gatehouse-kysely sql`, applied by hand or
 * by your own migration tool), so that `migrateToLatest` can take over from the next migration.
 * It first checks that every table of those migrations exists, and records nothing otherwise.
 * Safe to call again: migrations already recorded are left as they are.
 *
 * @throws TypeError when `through` or `tablePrefix` is invalid.
 * @throws Error when a table of those migrations does not exist (nothing is recorded then).
 *
 * @example
 * ```ts
 * import { baselineMigrations, migrateToLatest } from '@gatehouse-auth/kysely';
 *
 * await baselineMigrations(db, { through: '0001_initial' }); // the DDL you applied
 * await migrateToLatest(db); // runs 0002 and later
 * ```
 */
export async function baselineMigrations(db: Kysely<any>, options: BaselineMigrationsOptions): Promise<BaselineMigrationsResult> {
  const names = schemaNames(options?.tablePrefix, 'baselineMigrations');
  const dialect = detectDialect(db, 'baselineMigrations');
  if (options?.through === undefined) {
    throw new TypeError(`baselineMigrations: say through which migration the schema was applied, e.g. { through: '0001_initial' }; they are ${schemaStepNames().join(', ')}.`);
  }
  const through = resolveStepName(options.through, 'baselineMigrations', 'through');
  const steps = schemaStepNames();
  const covered = steps.slice(0, steps.indexOf(through) + 1);
  const status = await readStatus(db, names, dialect);
  const incomplete = status.migrations.filter((migration) => covered.includes(migration.name) && migration.missingTables.length > 0);
  if (incomplete.length > 0) {
    const missing = incomplete.flatMap((migration) => migration.missingTables.map((table) => `${table} (${migration.name})`));
    const complete = covered.slice(0, covered.indexOf(incomplete[0]!.name));
    throw new Error(
      `baselineMigrations: refusing to record ${covered.join(', ')} as applied: ${missing.length === 1 ? 'the table' : 'the tables'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist. ` +
        (complete.length > 0 ? `Baseline only what you applied ({ through: '${complete.at(-1)}' }) and let migrateToLatest create the rest, ` : 'Let migrateToLatest create them, ') +
        `or apply their SQL first (gatehouse-kysely sql --dialect ${dialect} --from ${incomplete[0]!.name}). Nothing was recorded.`,
    );
  }
  const toRecord = status.migrations.filter((migration) => covered.includes(migration.name) && migration.state !== 'applied').map((migration) => migration.name);
  if (toRecord.length === 0) return { recorded: [] };
  // The Migrator itself records them, in its own tables and under its lock: each covered
  // migration is a no-op here, and migrateTo stops at `through`.
  const real = kyselyMigrations(names, dialect, 'string');
  const migrations = Object.fromEntries(steps.map((step) => [step, covered.includes(step) ? { async up(): Promise<void> {} } : real[step]!]));
  const { error, results } = await gatehouseMigrator(db, names, migrations).migrateTo(through);
  if (error !== undefined) throw error;
  return { recorded: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
