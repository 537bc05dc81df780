import { parseArgs } from 'node:util';
import { schemaSql } from '../schema-sql.js';
import { SQL_DIALECTS } from './dialect.js';
import type { SqlDialect } from './dialect.js';
import type { UserIdKind } from '@gatehouse-auth/core';

/** Where the command writes: `process` in the bin, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const USAGE = `Usage: gatehouse-kysely sql --dialect postgres|mysql|sqlite [--table-prefix <prefix>] [--user-ids string|integer]

Prints Gatehouse's schema as SQL DDL, the same schema that migrateToLatest() creates,
for teams that apply migrations with their own tool.

Options:
  --dialect <name>        postgres, mysql (also MariaDB) or sqlite
  --table-prefix <prefix> prefix of every table and index name (default: gatehouse_)
  --user-ids <kind>       string (default: UUIDs or your own ids) or integer
                          (auto-increment ids, for userIds: 'integer' in createAuth)
  -h, --help              show this help
`;

/**
 * Runs the `gatehouse-kysely` command with its arguments (without `node` and the script).
 * Returns the exit code: 0 on success, 2 on a usage error.
 */
export function runCli(args: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        dialect: { type: 'string' },
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
  if (positionals.length !== 1 || positionals[0] !== 'sql') {
    io.stderr.write(`gatehouse-kysely: expected the command "sql"${positionals.length > 0 ? `, got "${positionals.join(' ')}"` : ''}.\n\n${USAGE}`);
    return 2;
  }
  const dialect = values.dialect;
  if (dialect === undefined || !SQL_DIALECTS.includes(dialect as SqlDialect)) {
    io.stderr.write(`gatehouse-kysely: --dialect must be one of ${SQL_DIALECTS.join(', ')}.\n\n${USAGE}`);
    return 2;
  }
  try {
    io.stdout.write(schemaSql(dialect as SqlDialect, { tablePrefix: values['table-prefix'], userIds: values['user-ids'] as UserIdKind | undefined }));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    io.stderr.write(`gatehouse-kysely: ${error.message}\n`);
    return 2;
  }
  return 0;
}
