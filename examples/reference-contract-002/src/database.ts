import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RateLimitStore, Store } from '@gatehouse-auth/core';
import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from '@gatehouse-auth/kysely';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

/** Gatehouse's stores over a SQLite file, migrated. */
export interface SqliteStores {
  store: Store;
  rateLimitStore: RateLimitStore;
  close(): Promise<void>;
}

/** Opens (and migrates) a SQLite database: a file path, or `:memory:`. */
export async function openSqliteStores(file: string): Promise<SqliteStores> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  await migrateToLatest(db);
  return { store: kyselyStore(db), rateLimitStore: kyselyRateLimitStore(db), close: () => db.destroy() };
}
