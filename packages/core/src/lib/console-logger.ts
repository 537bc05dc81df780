import type { Logger } from '../ports/logger.js';

/**
 * The default logger: warnings and errors on the console (stderr), so that a missing table, a
 * mail that could not be sent or a configuration that cannot work is seen. Opt out with
 * `logger: false`, or give your own (pino, winston: any object with `warn` and `error`).
 */
export function consoleLogger(): Logger {
  return {
    warn: (message, details) => (details === undefined ? console.warn(message) : console.warn(message, details)),
    error: (message, details) => (details === undefined ? console.error(message) : console.error(message, details)),
  };
}

/** A logger that writes nothing (`logger: false`). */
export const silentLogger: Logger = { warn() {}, error() {} };

/**
 * What to do about a store error, when its message says what is wrong: a missing table means
 * the schema was never migrated. `undefined` when there is nothing more to say.
 */
export function storeFailureHint(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // SQLite: "no such table: x"; PostgreSQL: 'relation "x" does not exist'; MySQL/MariaDB: "Table 'db.x' doesn't exist".
  if (/no such table|relation "[^"]+" does not exist|Table '[^']+' doesn't exist/i.test(message)) {
    return "a Gatehouse table is missing: run migrateToLatest(db) from @gatehouse-auth/kysely at start-up, or apply the SQL printed by `npx gatehouse-kysely sql` with your own migration tool";
  }
  return undefined;
}
