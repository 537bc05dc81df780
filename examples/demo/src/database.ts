import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSetting } from './settings.js';

/**
 * Opens the demo's database: a SQLite file (its folder is created) or a PostgreSQL pool.
 * The caller runs the migrations and, at the end, `db.destroy()`.
 */
export function openDatabase(setting: DatabaseSetting): Kysely<any> {
  if (setting.kind === 'postgres') {
    return new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: setting.url, max: 10 }) }) });
  }
  mkdirSync(dirname(setting.file), { recursive: true });
  const sqlite = new Database(setting.file);
  // WAL lets the page's reads go on while a write commits; the timeout rides out a busy file.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Where the data is, for the start-up message, without a password. */
export function describeDatabase(setting: DatabaseSetting): string {
  if (setting.kind === 'sqlite') return `SQLite ${setting.file}`;
  const url = new URL(setting.url);
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}
