import type { Kysely } from 'kysely';

/** The SQL dialects Gatehouse's Kysely store supports. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

export const SQL_DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres', 'mysql'];

/**
 * Tells which SQL dialect a Kysely instance speaks, from how it compiles a probe query: MySQL
 * quotes with backticks, PostgreSQL numbers its parameters, SQLite does neither. Compiling
 * touches no connection, and it recognises dialects built on Kysely's own compilers
 * (PGlite, Neon, libSQL, D1, PlanetScale, …) without depending on their packages.
 * @throws TypeError for any other dialect (e.g. MSSQL).
 */
export function detectDialect(db: Kysely<any>, caller: string): SqlDialect {
  const probe = db.withoutPlugins().selectFrom('probe').select('a').where('a', '=', 1).compile().sql;
  if (probe.includes('`a`') && probe.endsWith('?')) return 'mysql';
  if (probe.includes('"a"') && probe.endsWith('$1')) return 'postgres';
  if (probe.includes('"a"') && probe.endsWith('?')) return 'sqlite';
  throw new TypeError(
    `${caller}: unsupported Kysely dialect (it compiled ${JSON.stringify(probe)}); use a SQLite, PostgreSQL or MySQL dialect.`,
  );
}
