import type { Kysely, Transaction } from 'kysely';
import { isDeadlock } from './driver-errors.js';
import type { Database } from './tables.js';

const ATTEMPTS = 3;

class Rollback {
  constructor(readonly value: unknown) {}
}

/** Ends the current {@link inTransaction} with a rollback; the transaction then resolves to `value`. */
export function rollback(value: unknown): never {
  throw new Rollback(value);
}

/**
 * Runs `work` in one transaction, and runs it again when the database broke a deadlock by
 * aborting it (InnoDB does so under concurrent inserts into one index range): the aborted
 * attempt left nothing behind, so the retry is safe.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (error instanceof Rollback) return error.value as T;
      if (attempt >= ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}
