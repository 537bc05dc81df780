import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-support/databases.js';
import type { Database } from './tables.js';
import { inTransaction, rollback } from './transaction.js';

function deadlock(): Error {
  return Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
}

describe('inTransaction', async () => {
  const database = await createTestDatabase('sqlite-memory');
  const db = database.db as Kysely<Database>;
  afterAll(() => database.destroy());

  it('runs the work again when the database aborted it to break a deadlock', async () => {
    let attempts = 0;
    const result = await inTransaction(db, async () => {
      attempts += 1;
      if (attempts < 3) throw deadlock();
      return 'done';
    });
    expect({ attempts, result }).toEqual({ attempts: 3, result: 'done' });
  });

  it('gives up after three deadlocks, and never retries other errors', async () => {
    let attempts = 0;
    await expect(
      inTransaction(db, async () => {
        attempts += 1;
        throw deadlock();
      }),
    ).rejects.toThrow(/Deadlock/);
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(
      inTransaction(db, async () => {
        attempts += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });

  it('rollback() undoes the work and resolves to the given value', async () => {
    await db.schema.createTable('t').addColumn('x', 'integer').execute();
    const result = await inTransaction(db, async (trx) => {
      await (trx as Kysely<any>).insertInto('t').values({ x: 1 }).execute();
      return rollback('rolled back');
    });
    expect(result).toBe('rolled back');
    expect(await (db as Kysely<any>).selectFrom('t').selectAll().execute()).toEqual([]);
  });
});
