import { parseArgs } from 'node:util';
import type { UserIdKind } from '@gatehouse-auth/core';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../migrate-to-latest.js';
import { baselineMigrations, migrationStatus } from '../schema-status.js';
import { schemaSql } from '../schema-sql.js';
import { openDatabaseUrl, URL_FORMS } from './connect.js';
import { SQL_DIALECTS } from './dialect.js';
import type { SqlDialect } from './dialect.js';
import { installArguments } from './migrator.js';
import { schemaNames } from './tables.js';

/** Where the command writes: `process` in the bin, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Environment variables; `DATABASE_URL` is the default of `--url`. */
  env?: Record<string, string | undefined>;
}

const USAGE = `Usage:
  gatehouse-kysely sql --dialect postgres|mysql|sqlite [--from <migration>] [--to <migration>] [--table-prefix <prefix>] [--user-ids string|integer]
  gatehouse-kysely migrate --url <database url> [--table-prefix <prefix>] [--user-ids string|integer]
  gatehouse-kysely status --url <database url> [--table-prefix <prefix>]
  gatehouse-kysely baseline --url <database url> --through <migration> [--table-prefix <prefix>]

Commands:
  sql       prints Gatehouse's schema as SQL DDL, the same schema that migrateToLatest() creates,
            for teams that apply migrations with their own tool: all of it, or the migrations
            from --from to --to (both included; names such as 0002_profile_unique_values or
            numbers such as 0002)
  migrate   applies the pending migrations to the database, as migrateToLatest() does
  status    lists each migration as applied, unrecorded (its tables exist, applied without
            the migrator) or pending; exits with 1 when one is pending
  baseline  records the migrations up to --through as applied without running them, for a
            schema applied from "sql" by hand or another tool; checks their tables exist first

Options:
  --dialect <name>        postgres, mysql (also MariaDB) or sqlite
  --from <migration>      first migration to print (default: the first)
  --to <migration>        last migration to print (default: the last)
  --url <database url>    ${URL_FORMS}; the default is $DATABASE_URL
  --through <migration>   last migration to record as applied
  --table-prefix <prefix> prefix of every table and index name (default: gatehouse_)
  --user-ids <kind>       string (default: UUIDs or your own ids) or integer
                          (auto-increment ids, for userIds: 'integer' in createAuth)
  -h, --help              show this help
`;

type Command = 'sql' | 'migrate' | 'status' | 'baseline';
type OptionName = 'dialect' | 'from' | 'to' | 'url' | 'through' | 'table-prefix' | 'user-ids';

const COMMAND_OPTIONS: Record<Command, readonly OptionName[]> = {
  sql: ['dialect', 'from', 'to', 'table-prefix', 'user-ids'],
  migrate: ['url', 'table-prefix', 'user-ids'],
  status: ['url', 'table-prefix'],
  baseline: ['url', 'through', 'table-prefix'],
};

class UsageError extends Error {}

/**
 * Runs the `gatehouse-kysely` command with its arguments (without `node` and the script).
 * Resolves to the exit code: 0 on success, 1 when the database refused or a migration is
 * pending (`status`), 2 on a usage error.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        dialect: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        url: { type: 'string' },
        through: { type: 'string' },
        'table-prefix': { type: 'string' },
        'user-ids': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`gatehouse-kysely: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const command = positionals[0] as Command | undefined;
  if (positionals.length !== 1 || command === undefined || !(command in COMMAND_OPTIONS)) {
    io.stderr.write(
      `gatehouse-kysely: expected one command: sql, migrate, status or baseline${positionals.length > 0 ? `, got "${positionals.join(' ')}"` : ''}.\n\n${USAGE}`,
    );
    return 2;
  }
  const stray = (Object.keys(values) as (OptionName | 'help')[]).filter((name) => name !== 'help' && !COMMAND_OPTIONS[command].includes(name));
  if (stray.length > 0) {
    io.stderr.write(`gatehouse-kysely: ${command} takes no ${stray.map((name) => `--${name}`).join(', ')}.\n\n${USAGE}`);
    return 2;
  }
  try {
    if (command === 'sql') return printSql(values, io);
    return await databaseCommand(command, values, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr.write(`gatehouse-kysely: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

type Values = Partial<Record<OptionName, string>>;

function printSql(values: Values, io: CliIo): number {
  const dialect = values.dialect;
  if (dialect === undefined || !SQL_DIALECTS.includes(dialect as SqlDialect)) {
    throw new UsageError(`--dialect must be one of ${SQL_DIALECTS.join(', ')}.\n\n${USAGE}`);
  }
  io.stdout.write(
    schemaSql(dialect as SqlDialect, {
      tablePrefix: values['table-prefix'],
      userIds: values['user-ids'] as UserIdKind | undefined,
      from: values.from,
      to: values.to,
    }),
  );
  return 0;
}

async function databaseCommand(command: Exclude<Command, 'sql'>, values: Values, io: CliIo): Promise<number> {
  const url = values.url ?? io.env?.DATABASE_URL;
  if (url === undefined || url === '') throw new UsageError(`${command} needs --url <database url> (or DATABASE_URL): ${URL_FORMS}.\n\n${USAGE}`);
  if (command === 'baseline' && values.through === undefined) {
    throw new UsageError(`baseline needs --through <migration>: the last migration whose SQL you applied, e.g. --through 0001_initial.\n\n${USAGE}`);
  }
  const tablePrefix = values['table-prefix'];
  // Checked before connecting, so that a typo costs no connection.
  schemaNames(tablePrefix, command);
  let db: Kysely<any>;
  try {
    db = await openDatabaseUrl(url, { create: command === 'migrate' });
  } catch (error) {
    if (error instanceof TypeError) throw error;
    io.stderr.write(`gatehouse-kysely ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    if (command === 'migrate') {
      const { applied } = await migrateToLatest(db, { tablePrefix, userIds: values['user-ids'] as UserIdKind | undefined });
      io.stdout.write(applied.length === 0 ? 'Up to date: no migration to apply.\n' : applied.map((name) => `Applied ${name}\n`).join(''));
      return 0;
    }
    if (command === 'baseline') {
      const { recorded } = await baselineMigrations(db, { tablePrefix, through: values.through! });
      io.stdout.write(
        recorded.length === 0 ? `Nothing to record: every migration through ${values.through} is recorded already.\n` : recorded.map((name) => `Recorded ${name} as applied\n`).join(''),
      );
      return 0;
    }
    const status = await migrationStatus(db, { tablePrefix });
    const width = Math.max(...status.migrations.map((migration) => migration.name.length));
    for (const migration of status.migrations) {
      const detail =
        migration.state === 'applied'
          ? `applied    ${migration.appliedAt!.toISOString()}`
          : migration.state === 'unrecorded'
            ? 'unrecorded (its tables exist, but it is not in the migration history)'
            : 'pending';
      io.stdout.write(`${migration.name.padEnd(width)}  ${detail}\n`);
    }
    const flags = installArguments(schemaNames(tablePrefix, command), undefined).flags;
    const unrecorded = status.migrations.filter((migration) => migration.state === 'unrecorded').map((migration) => migration.name);
    if (status.pending.length > 0) {
      io.stdout.write(
        `${status.pending.length === 1 ? '1 migration' : `${status.pending.length} migrations`} pending: run gatehouse-kysely migrate --url <database url>${flags} (or migrateToLatest(db)), or apply gatehouse-kysely sql --from ${status.pending[0]} with your own tool.\n`,
      );
      return 1;
    }
    if (unrecorded.length > 0) {
      io.stdout.write(`Before switching to migrate / migrateToLatest, record the hand-applied migrations: gatehouse-kysely baseline --url <database url> --through ${unrecorded.at(-1)}${flags}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof TypeError) throw error;
    io.stderr.write(`gatehouse-kysely ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}
