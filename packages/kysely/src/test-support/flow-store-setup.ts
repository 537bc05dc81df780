// Test support, not part of the package: the setup file of the `flows-sqlite` and
// `flows-postgres` projects (vitest.config.ts). It runs core's flow tests, unchanged, over a
// Kysely store: every `testAuth()` that is given no store gets this test's fresh, empty one.
//
//   SQLite      a new `:memory:` database, migrated, for every test.
//   PostgreSQL  a new database for every test file, migrated once; every table emptied
//               before each test.
//
// GATEHOUSE_FLOW_STORE (set by the project) says which.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { useDefaultTestStore } from '../../../core/src/test-support/auth-fixtures.js';
import { kyselyStore } from '../kysely-store.js';
import { schemaNames } from '../lib/tables.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { TestDatabase } from './databases.js';

const kind = process.env.GATEHOUSE_FLOW_STORE;

if (kind === 'sqlite') {
  let db: Kysely<any> | undefined;

  beforeEach(async () => {
    db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await migrateToLatest(db);
    const store = kyselyStore(db);
    useDefaultTestStore(() => store);
  });

  afterEach(async () => {
    useDefaultTestStore(undefined);
    await db?.destroy();
    db = undefined;
  });
} else if (kind === 'postgres') {
  let database: TestDatabase | undefined;
  // Every table Gatehouse writes (the migration history stays).
  const tables = Object.values(schemaNames(undefined, 'flow-store-setup').tables);

  beforeAll(async () => {
    // Imported here, so that the SQLite project loads no PostgreSQL or MySQL driver.
    const { createTestDatabase } = await import('./databases.js');
    database = await createTestDatabase('postgres');
    await migrateToLatest(database.db);
  });

  beforeEach(async () => {
    if (database === undefined) throw new Error('no test database');
    // One DELETE per table, in one statement: on a handful of rows that is some 2 ms, where
    // TRUNCATE (new files for every table and index) takes well over 100 ms.
    const [last, ...others] = tables;
    const ctes = others.map((table, index) => sql`${sql.id(`emptied_${index}`)} as (delete from ${sql.table(table)})`);
    await sql`with ${sql.join(ctes)} delete from ${sql.table(last ?? '')}`.execute(database.db);
    const store = kyselyStore(database.db);
    useDefaultTestStore(() => store);
  });

  afterEach(() => {
    useDefaultTestStore(undefined);
  });

  afterAll(async () => {
    await database?.destroy();
  });
} else {
  throw new Error(`flow-store-setup: set GATEHOUSE_FLOW_STORE to "sqlite" or "postgres" (got ${JSON.stringify(kind)})`);
}
