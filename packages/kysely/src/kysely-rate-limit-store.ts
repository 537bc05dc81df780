import { createHash } from 'node:crypto';
import type { RateLimitState, RateLimitStore } from '@gatehouse-auth/core';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { detectDialect } from './lib/dialect.js';
import { toMillis } from './lib/rows.js';
import { tablePrefixPlugin } from './lib/table-prefix-plugin.js';
import { schemaNames } from './lib/tables.js';
import type { Database } from './lib/tables.js';
import { inTransaction } from './lib/transaction.js';

/** Options of {@link kyselyRateLimitStore}. */
export interface KyselyRateLimitStoreOptions {
  /** Prefix of every table name; the default is `gatehouse_`. Must match the one given to {@link migrateToLatest}. */
  tablePrefix?: string;
}

// The key column holds 512 characters (MySQL can index no more in one column); longer keys,
// which Gatehouse does not make, are stored as their SHA-256 so that they still work.
const MAX_KEY_LENGTH = 512;

function storedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

function state(row: { count: number | string; reset_at: number | string | bigint }): RateLimitState {
  return { count: Number(row.count), resetAt: new Date(Number(row.reset_at)) };
}

/**
 * Creates a Gatehouse {@link RateLimitStore} in the database, so that every instance of your app
 * counts against the same limits.
 *
 * `hit` is atomic: one upsert on SQLite and PostgreSQL, an upsert and a read in one transaction
 * on MySQL. A finished window's row is reused by the key's next hit; to keep the table small when
 * many distinct keys pass (IP addresses, typed emails), delete rows whose `reset_at` is in the past
 * from time to time (see the README).
 *
 * @throws TypeError when `tablePrefix` is invalid or the dialect is not SQLite, PostgreSQL or MySQL.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { kyselyRateLimitStore, migrateToLatest } from '@gatehouse-auth/kysely';
 *
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
 * await migrateToLatest(db);
 * const limits = kyselyRateLimitStore(db);
 * const { count } = await limits.hit('login:203.0.113.7', 60_000, new Date());
 * ```
 */
export function kyselyRateLimitStore(db: Kysely<any>, options: KyselyRateLimitStoreOptions = {}): RateLimitStore {
  const names = schemaNames(options.tablePrefix, 'kyselyRateLimitStore');
  const dialect = detectDialect(db, 'kyselyRateLimitStore');
  const q: Kysely<Database> = db.withoutPlugins().withPlugin(tablePrefixPlugin(names));

  return {
    async hit(rawKey: string, windowMs: number, now: Date): Promise<RateLimitState> {
      const key = storedKey(rawKey);
      const time = toMillis(now);
      const resetAt = time + windowMs;
      // A window that has ended (reset_at <= now) starts again at 1; `count` is set before
      // `reset_at`, because MySQL evaluates SET left to right and must see the old reset_at.
      const bump = (eb: ExpressionBuilder<Database, 'rate_limits'>) => ({
        count: eb.case().when('rate_limits.reset_at', '<=', time).then(1).else(eb('rate_limits.count', '+', 1)).end(),
        reset_at: eb.case().when('rate_limits.reset_at', '<=', time).then(resetAt).else(eb.ref('rate_limits.reset_at').$castTo<number>()).end(),
      });
      const insert = (db: Kysely<Database>) => db.insertInto('rate_limits').values({ key, count: 1, reset_at: resetAt });
      if (dialect !== 'mysql') {
        const row = await insert(q)
          .onConflict((conflict) => conflict.column('key').doUpdateSet(bump))
          .returning(['count', 'reset_at'])
          .executeTakeFirstOrThrow();
        return state(row);
      }
      // The upsert's row lock is held until commit, so the read sees exactly this hit's count.
      return inTransaction(q, async (trx) => {
        await insert(trx).onDuplicateKeyUpdate(bump).execute();
        return state(await trx.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).executeTakeFirstOrThrow());
      });
    },

    async peek(key: string, now: Date): Promise<RateLimitState | null> {
      const row = await q
        .selectFrom('rate_limits')
        .select(['count', 'reset_at'])
        .where('key', '=', storedKey(key))
        .where('reset_at', '>', toMillis(now))
        .executeTakeFirst();
      return row ? state(row) : null;
    },

    async reset(key: string): Promise<void> {
      await q.deleteFrom('rate_limits').where('key', '=', storedKey(key)).execute();
    },
  };
}
