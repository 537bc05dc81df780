import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { Dialect } from 'kysely';

/** How the CLI reaches a database: `postgres://…`, `mysql://…` (or `mariadb://…`), `sqlite:path`. */
export const URL_FORMS = 'postgres://user:password@host:5432/db, mysql://user:password@host:3306/db (also mariadb://) or sqlite:path/to/file.db';

async function driver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(`gatehouse-kysely needs the ${name} package for this URL: install it next to @gatehouse-auth/kysely (pnpm add ${name}).`);
    }
    throw error;
  }
}

/**
 * Opens a Kysely with one connection on the database a URL names, with the driver the package
 * supports for it (pg, mysql2, better-sqlite3, loaded only when needed).
 * `create: false` refuses a SQLite file that does not exist rather than creating an empty one.
 * @throws TypeError for a URL of another form.
 */
export async function openDatabaseUrl(url: string, options: { create: boolean }): Promise<Kysely<any>> {
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase();
  let dialect: Dialect;
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const pg = await driver('pg', async () => (await import('pg')).default);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    dialect = new PostgresDialect({ pool });
  } else if (scheme === 'mysql' || scheme === 'mariadb') {
    const mysql = await driver('mysql2', async () => import('mysql2'));
    dialect = new MysqlDialect({ pool: mysql.createPool({ uri: url.replace(/^mariadb:/i, 'mysql:'), connectionLimit: 1 }) });
  } else if (scheme === 'sqlite') {
    // sqlite:app.db, sqlite:/abs/app.db, sqlite:///abs/app.db, sqlite://app.db
    const rest = url.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (path === '') throw new TypeError(`--url sqlite: needs a file path, e.g. sqlite:data/app.db.`);
    const SQLite = await driver('better-sqlite3', async () => {
      const module: { default?: typeof import('better-sqlite3') } & typeof import('better-sqlite3') = await import('better-sqlite3');
      return module.default ?? module;
    });
    let database;
    try {
      database = new SQLite(path, { fileMustExist: !options.create });
    } catch (error) {
      throw new Error(`cannot open the SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    dialect = new SqliteDialect({ database });
  } else {
    throw new TypeError(`--url must be a database URL: ${URL_FORMS}.`);
  }
  return new Kysely<any>({ dialect });
}
