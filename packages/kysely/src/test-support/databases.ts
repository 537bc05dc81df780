// Test support, not part of the package: fresh, throw-away databases for each test file, so
// that no run ever sees another run's rows. PostgreSQL and MariaDB are the machine's local
// servers (127.0.0.1, trust auth / root without password); set GATEHOUSE_TEST_PG_URL or
// GATEHOUSE_TEST_MYSQL_URL to use others.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { KyselyConfig, LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import type { SqlDialect } from '../lib/dialect.js';

export interface ConnectOptions {
  /** Called with the SQL of every statement the pool runs (BEGIN and COMMIT are not reported). */
  onQuery?: (sql: string) => void;
}

function logOption(options: ConnectOptions): KyselyConfig['log'] {
  const onQuery = options.onQuery;
  return onQuery === undefined ? undefined : (event: LogEvent): void => {
    if (event.level === 'query') onQuery(event.query.sql);
  };
}

export interface TestDatabase {
  dialect: SqlDialect;
  /** A pool on the fresh database. */
  db: Kysely<any>;
  /**
   * The connection URL of the fresh database, for another process (or the CLI's --url) to connect
   * with: postgres://…, mysql://…, sqlite:<path>; none for an in-memory SQLite database.
   */
  url?: string;
  /** Opens another, independent pool on the same database (a second app process). */
  connect(options?: ConnectOptions): Kysely<any>;
  /** Closes every pool it opened and drops the database. */
  destroy(): Promise<void>;
}

const PG_URL = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.GATEHOUSE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

function uniqueName(): string {
  return `gatehouse_test_${randomBytes(6).toString('hex')}`;
}

async function postgresDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pools: Kysely<any>[] = [];
  const connect = (options: ConnectOptions = {}): Kysely<any> => {
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 10 }) }),
      log: logOption(options),
    });
    pools.push(db);
    return db;
  };
  return {
    dialect: 'postgres',
    url: url.href,
    db: connect(),
    connect,
    async destroy() {
      await Promise.all(pools.map((db) => db.destroy()));
      // pg's pool.end() resolves before its connections have closed, and WITH (FORCE) would
      // kill them mid-close (an uncaught 57P01 in the client). Wait for them to go instead.
      const drop = new pg.Client({ connectionString: PG_URL });
      await drop.connect();
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            await drop.query(`drop database if exists "${name}"`);
            break;
          } catch (error) {
            // 55006 object_in_use: a session is still closing.
            if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
            await setTimeout(50);
          }
        }
      } finally {
        await drop.end();
      }
    },
  };
}

async function mysqlDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = createPool({ uri: MYSQL_URL, connectionLimit: 1 }).promise();
  try {
    await admin.query(`create database \`${name}\``);
  } finally {
    await admin.end();
  }
  const pools: Kysely<any>[] = [];
  const connect = (options: ConnectOptions = {}): Kysely<any> => {
    const db = new Kysely<any>({
      dialect: new MysqlDialect({ pool: createPool({ uri: MYSQL_URL, database: name, connectionLimit: 10 }) }),
      log: logOption(options),
    });
    pools.push(db);
    return db;
  };
  return {
    dialect: 'mysql',
    url: `${MYSQL_URL.replace(/\/+$/, '')}/${name}`,
    db: connect(),
    connect,
    async destroy() {
      await Promise.all(pools.map((db) => db.destroy()));
      const drop = createPool({ uri: MYSQL_URL, connectionLimit: 1 }).promise();
      try {
        await drop.query(`drop database if exists \`${name}\``);
      } finally {
        await drop.end();
      }
    },
  };
}

function sqliteDatabase(location: 'file' | 'memory'): TestDatabase {
  const dir = location === 'file' ? mkdtempSync(join(tmpdir(), 'gatehouse-kysely-')) : undefined;
  const path = dir === undefined ? ':memory:' : join(dir, 'test.db');
  const pools: Kysely<any>[] = [];
  const connect = (options: ConnectOptions = {}): Kysely<any> => {
    if (dir === undefined && pools.length > 0) throw new Error('an in-memory SQLite database has only one connection');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(path) }), log: logOption(options) });
    pools.push(db);
    return db;
  };
  return {
    dialect: 'sqlite',
    url: dir === undefined ? undefined : `sqlite:${path}`,
    db: connect(),
    connect,
    async destroy() {
      await Promise.all(pools.map((db) => db.destroy()));
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, empty database (PostgreSQL, MariaDB/MySQL, or SQLite in a temp file or in memory). */
export async function createTestDatabase(kind: 'postgres' | 'mysql' | 'sqlite-file' | 'sqlite-memory'): Promise<TestDatabase> {
  switch (kind) {
    case 'postgres':
      return postgresDatabase();
    case 'mysql':
      return mysqlDatabase();
    case 'sqlite-file':
      return sqliteDatabase('file');
    case 'sqlite-memory':
      return sqliteDatabase('memory');
  }
}
