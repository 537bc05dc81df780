// Target 4: refresh-token rotations per second on SQLite or PostgreSQL through
// @gatehouse-auth/kysely, and the SQL statements each flow costs (counted by Kysely's `log`). The
// baseline, measured in the same process on the same Kysely instance and driver, is the least
// SQL a rotation can be: one transaction that reads the token by hash, marks it used and
// inserts its successor.
import { createHash, randomBytes } from 'node:crypto';
import { USER } from '../lib/fixtures.mjs';
import { missingPackages } from '../lib/gatehouse.mjs';
import { done, interleave, opsPerSecondAsync, options } from './_measure.mjs';

const { store = 'sqlite', rounds = 3, ms = 1500, warmupMs = 300 } = options();
const reason = missingPackages(['core', 'kysely']);
if (reason) done({ store, skipped: reason });
if (store === 'postgres') {
  const { resetPostgres } = await import('../lib/gatehouse.mjs');
  const pgReason = await resetPostgres();
  if (pgReason) done({ store, skipped: pgReason });
}

const { createBenchAuth } = await import('../lib/gatehouse.mjs');
const email = `refresh-${process.pid}@bench.example`;
const bench = await createBenchAuth({ store, email, seedUser: false });
const { auth, queries } = bench;

/** @type {Record<string, string[]>} */
const statements = {};
/**
 * @param {string} flow
 * @param {() => Promise<unknown>} fn
 */
async function count(flow, fn) {
  const before = queries.count;
  await fn();
  statements[flow] = queries.statements.slice(before);
  // Transaction control is not counted, whichever way a dialect sends it (the SQLite store
  // sends `begin` as SQL; Kysely's PostgreSQL driver does not log it).
  return statements[flow].filter((sql) => !/^(begin|commit|rollback|savepoint|release)\b/.test(sql)).length;
}

// Statements per flow, on a warm instance (the token cache empty for the first request).
await auth.register({ email, password: USER.password });
/** @type {any} */
let session;
const perFlow = {
  login: await count('login', async () => {
    session = await auth.login({ email, password: USER.password, ip: '127.0.0.1' });
  }),
  'authenticate (first use, cache miss)': await count('authenticate (first use, cache miss)', () => auth.authenticate(session.tokens.accessToken)),
  'authenticate (cached token)': await count('authenticate (cached token)', () => auth.authenticate(session.tokens.accessToken)),
  refresh: 0,
  logout: 0,
};
let refreshToken = session.tokens.refreshToken;
perFlow.refresh = await count('refresh', async () => {
  ({ tokens: { refreshToken } } = await auth.refresh({ refreshToken, ip: '127.0.0.1' }));
});
{
  const other = await auth.login({ email, password: USER.password, ip: '127.0.0.1' });
  perFlow.logout = await count('logout', () => auth.logout({ sessionId: other.tokens.sessionId, userId: other.user.id, ip: '127.0.0.1' }));
}

// The baseline's own table, beside Gatehouse's in the same database.
const { sql } = await import('kysely');
const db = bench.db;
const subjects = {
  'gatehouse-refresh': (/** @type {number} */ t) =>
    opsPerSecondAsync(async () => {
      ({ tokens: { refreshToken } } = await auth.refresh({ refreshToken, ip: '127.0.0.1' }));
    }, t),
};
if (db) {
  await sql`create table if not exists bench_raw_tokens (hash varchar(64) primary key, family varchar(64) not null, used integer not null)`.execute(db);
  const family = randomBytes(16).toString('hex');
  let raw = randomBytes(32).toString('hex');
  const sha = (/** @type {string} */ value) => createHash('sha256').update(value).digest('hex');
  await db.insertInto('bench_raw_tokens').values({ hash: sha(raw), family, used: 0 }).execute();
  /** @type {any} */ (subjects)['kysely-minimal-rotate'] = (/** @type {number} */ t) =>
    opsPerSecondAsync(async () => {
      const next = randomBytes(32).toString('hex');
      await db.transaction().execute(async (/** @type {any} */ trx) => {
        const row = await trx.selectFrom('bench_raw_tokens').select(['family', 'used']).where('hash', '=', sha(raw)).executeTakeFirst();
        if (!row || row.used) throw new Error('baseline token missing');
        await trx.updateTable('bench_raw_tokens').set({ used: 1 }).where('hash', '=', sha(raw)).where('used', '=', 0).execute();
        await trx.insertInto('bench_raw_tokens').values({ hash: sha(next), family: row.family, used: 0 }).execute();
      });
      raw = next;
    }, t);
}

const results = await interleave(subjects, { rounds, ms, warmupMs });
await bench.close();
done({ store, opsPerSecond: results, queriesPerFlow: perFlow, statementsPerFlow: statements, baselineQueries: 3, baseline: 'one transaction: select by hash, update used, insert successor (Kysely, same driver; begin/commit are not counted, as for Gatehouse)' });
