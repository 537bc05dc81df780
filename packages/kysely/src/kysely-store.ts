import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError, uniqueValueTakenError } from '@gatehouse-auth/core';
import type {
  CheckOneTimeCodeInput,
  CreateUserOptions,
  NewUserRecord,
  OneTimeCodeCheck,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RevokeOptions,
  RevokeUserSessionsOptions,
  RotateRefreshTokenInput,
  SessionRecord,
  SessionWithUser,
  Store,
  UniqueValue,
  UpdateUserOptions,
  UserExpectation,
  UserId,
  UserIdKind,
  UserPatch,
  UserRecord,
} from '@gatehouse-auth/core';
import type { Kysely, Transaction, Updateable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import { detectDialect } from './lib/dialect.js';
import { isEmailTaken, isUniqueValueTaken } from './lib/driver-errors.js';
import {
  emailKey,
  oneTimeTokenToRow,
  refreshTokenToRow,
  rowToOneTimeToken,
  rowToRefreshToken,
  rowToSession,
  rowToUser,
  sessionToRow,
  toMillis,
  toMillisOrNull,
  toUserId,
  userToRow,
} from './lib/rows.js';
import type { UserRow } from './lib/rows.js';
import { tablePrefixPlugin } from './lib/table-prefix-plugin.js';
import { schemaNames } from './lib/tables.js';
import type { Database, UsersTable } from './lib/tables.js';
import { inTransaction, rollback } from './lib/transaction.js';
import { userIdColumnKind, userIdKind, userIdMismatch } from './lib/user-id-column.js';

/** Options of {@link kyselyStore}. */
export interface KyselyStoreOptions {
  /** Prefix of every table name; the default is `gatehouse_`. Must match the one given to {@link migrateToLatest}. */
  tablePrefix?: string;
  /**
   * The kind of user ids (default `'string'`): `'integer'` when the tables were made by
   * `migrateToLatest(db, { userIds: 'integer' })`, for `userIds: 'integer'` in `createAuth`. The
   * database then assigns each new user's id, and the store hands ids out as numbers. The first
   * call checks the users table: one made for the other kind fails every call with a `TypeError`
   * that says what to set.
   */
  userIds?: UserIdKind;
}

// The user's columns under `u_` names, for lookups that join a session or token with its user.
const USER_COLUMNS = [
  'users.id as u_id',
  'users.email as u_email',
  'users.email_verified_at as u_email_verified_at',
  'users.password_hash as u_password_hash',
  'users.role as u_role',
  'users.status as u_status',
  'users.profile as u_profile',
  'users.created_at as u_created_at',
  'users.updated_at as u_updated_at',
  'users.last_login_at as u_last_login_at',
] as const;

type Aliased<R, P extends string> = { [K in keyof R & string as `${P}${K}`]: R[K] };

function joinedUser(row: Aliased<UserRow, 'u_'>, kind: UserIdKind): UserRecord {
  return rowToUser({
    id: row.u_id,
    email: row.u_email,
    email_verified_at: row.u_email_verified_at,
    password_hash: row.u_password_hash,
    role: row.u_role,
    status: row.u_status,
    profile: row.u_profile,
    created_at: row.u_created_at,
    updated_at: row.u_updated_at,
    last_login_at: row.u_last_login_at,
  }, kind);
}

function userChanges(patch: UserPatch): Updateable<UsersTable> {
  const changes: Updateable<UsersTable> = { updated_at: toMillis(patch.updatedAt) };
  if (patch.email !== undefined) changes.email = emailKey(patch.email);
  if (patch.emailVerifiedAt !== undefined) changes.email_verified_at = toMillisOrNull(patch.emailVerifiedAt);
  if (patch.passwordHash !== undefined) changes.password_hash = patch.passwordHash;
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.status !== undefined) changes.status = patch.status;
  if (patch.profile !== undefined) changes.profile = JSON.stringify(patch.profile);
  if (patch.lastLoginAt !== undefined) changes.last_login_at = toMillisOrNull(patch.lastLoginAt);
  return changes;
}

/** Adds an expectation's values to an update of the user: the update then matches only while they hold. */
function whereExpected<O>(
  update: UpdateQueryBuilder<Database, 'users', 'users', O>,
  expect: UserExpectation | undefined,
): UpdateQueryBuilder<Database, 'users', 'users', O> {
  let conditional = update;
  if (expect?.status !== undefined) conditional = conditional.where('status', '=', expect.status);
  if (expect?.passwordHash !== undefined) {
    conditional = expect.passwordHash === null ? conditional.where('password_hash', 'is', null) : conditional.where('password_hash', '=', expect.passwordHash);
  }
  // Emails are stored as their key, so comparing keys is the case-insensitive comparison.
  if (expect?.email !== undefined) conditional = conditional.where('email', '=', emailKey(expect.email));
  return conditional;
}

// Longer unique values are stored as their SHA-256, so that any length fits the column.
const MAX_UNIQUE_VALUE_LENGTH = 255;

interface StoredUniqueValue {
  field: string;
  value: string;
}

/** The rows of unique values: long values hashed, repeats dropped, in one order for every caller (so concurrent claims lock rows in the same order). */
function uniqueRows(values: readonly UniqueValue[]): StoredUniqueValue[] {
  const rows = new Map<string, StoredUniqueValue>();
  for (const { field, value } of values) {
    const stored = value.length <= MAX_UNIQUE_VALUE_LENGTH ? value : `sha256:${createHash('sha256').update(value).digest('base64url')}`;
    rows.set(JSON.stringify([field, stored]), { field, value: stored });
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

function sameRow(a: StoredUniqueValue, b: StoredUniqueValue): boolean {
  return a.field === b.field && a.value === b.value;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Creates a Gatehouse {@link Store} over a `Kysely` instance your app already has, on SQLite,
 * PostgreSQL or MySQL/MariaDB.
 *
 * Run {@link migrateToLatest} (or apply {@link schemaSql}) first. Every single-use and rotate
 * operation is one atomic statement or one transaction; a duplicate email throws
 * `AuthError('EMAIL_TAKEN')`; any other database error is thrown as it is, and Gatehouse
 * answers it with `SERVICE_UNAVAILABLE`. Plugins on `db` (e.g. `CamelCasePlugin`) are ignored.
 *
 * @throws TypeError when `tablePrefix` or `userIds` is invalid or the dialect is not SQLite,
 * PostgreSQL or MySQL.
 *
 * @example
 * ```ts
 * import { createAuth } from '@gatehouse-auth/core';
 * import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from '@gatehouse-auth/kysely';
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 *
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrateToLatest(db);
 * const auth = createAuth({ store: kyselyStore(db), rateLimitStore: kyselyRateLimitStore(db), secret: process.env.GATEHOUSE_SECRET! });
 * ```
 */
export function kyselyStore(db: Kysely<any>, options: KyselyStoreOptions = {}): Store {
  const names = schemaNames(options.tablePrefix, 'kyselyStore');
  const dialect = detectDialect(db, 'kyselyStore');
  const kind = userIdKind(options.userIds, 'kyselyStore');
  const q: Kysely<Database> = db.withoutPlugins().withPlugin(tablePrefixPlugin(names));
  // PostgreSQL and SQLite answer an UPDATE with the changed row; MySQL needs a second query.
  const hasReturning = dialect !== 'mysql';

  /** Inserts a user's row and returns the user's id: with integer ids, the one the database assigned. */
  async function insertUser(target: Kysely<Database>, user: NewUserRecord): Promise<UserId> {
    if (kind === 'string') {
      if (user.id === null) {
        throw new TypeError("kyselyStore: createUser got no id, but this store keeps the ids Gatehouse gives; for ids the database assigns, pass { userIds: 'integer' } to migrateToLatest (new tables) and kyselyStore.");
      }
      await target.insertInto('users').values(userToRow(user)).execute().catch(emailTakenOr);
      return user.id;
    }
    if (user.id !== null) {
      throw new TypeError(`kyselyStore: createUser got the id ${JSON.stringify(user.id)}, but with { userIds: 'integer' } the database assigns ids; set userIds: 'integer' in createAuth too.`);
    }
    const insert = target.insertInto('users').values(userToRow(user));
    if (hasReturning) return toUserId((await insert.returning('id').executeTakeFirstOrThrow().catch(emailTakenOr)).id, kind);
    const { insertId } = await insert.executeTakeFirst().catch(emailTakenOr);
    if (insertId === undefined) throw new Error('kyselyStore: the database reported no id for the new user.');
    return toUserId(insertId, kind);
  }

  function emailTakenOr(error: unknown): never {
    if (isEmailTaken(error, names, dialect)) throw new AuthError('EMAIL_TAKEN');
    throw error;
  }

  /** Inserts unique values of `userId`; one that another user holds is refused as taken. */
  async function claimUniqueValues(trx: Transaction<Database>, userId: string, rows: readonly StoredUniqueValue[]): Promise<void> {
    for (const row of rows) {
      await trx
        .insertInto('profile_unique_values')
        .values({ ...row, user_id: userId })
        .execute()
        .catch((error: unknown) => {
          if (isUniqueValueTaken(error, names, dialect)) throw uniqueValueTakenError(row.field);
          throw error;
        });
    }
  }

  /** The first of `rows` that some user holds, or `undefined`. */
  async function firstHeld(rows: readonly StoredUniqueValue[]): Promise<StoredUniqueValue | undefined> {
    for (const row of rows) {
      const held = await q.selectFrom('profile_unique_values').select('user_id').where('field', '=', row.field).where('value', '=', row.value).executeTakeFirst();
      if (held) return row;
    }
    return undefined;
  }

  const store: Store = {
    // See Store.enforcesUniqueValues: profile_unique_values, migration 0002.
    enforcesUniqueValues: true,
    userIdKinds: [kind],

    async createUser(user: NewUserRecord, options?: CreateUserOptions): Promise<UserId> {
      const rows = uniqueRows(options?.unique ?? []);
      if (rows.length === 0) return insertUser(q, user);
      try {
        // The user first, then its values, in one transaction: a refused value leaves no user,
        // and a refused user no value.
        return await inTransaction(q, async (trx) => {
          const id = await insertUser(trx, user);
          await claimUniqueValues(trx, String(id), rows);
          return id;
        });
      } catch (error) {
        // The contract reports a taken value before a taken email. The failed insert ended the
        // transaction (PostgreSQL aborts it), so the values are judged by a read after it.
        const held = error instanceof AuthError && error.code === 'EMAIL_TAKEN' ? await firstHeld(rows) : undefined;
        throw held === undefined ? error : uniqueValueTakenError(held.field);
      }
    },

    async findUserById(id: UserId): Promise<UserRecord | null> {
      const row = await q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? rowToUser(row, kind) : null;
    },

    async findUserByEmail(email: string): Promise<UserRecord | null> {
      const row = await q.selectFrom('users').selectAll().where('email', '=', emailKey(email)).executeTakeFirst();
      return row ? rowToUser(row, kind) : null;
    },

    async updateUser(id: UserId, patch: UserPatch, options?: UpdateUserOptions): Promise<UserRecord | null> {
      const expect = options?.expect;
      if (options?.unique !== undefined) {
        const wanted = uniqueRows(options.unique);
        return inTransaction(q, async (trx): Promise<UserRecord | null> => {
          // The user's row first (it stays locked to the end), so that concurrent changes of one
          // user's values queue up, and in the order deleteUser takes its locks.
          const update = whereExpected(trx.updateTable('users').set(userChanges(patch)).where('id', '=', id), expect);
          let row: UserRow | undefined;
          if (hasReturning) {
            row = await update.returningAll().executeTakeFirst().catch(emailTakenOr);
            if (!row) rollback(null);
          } else {
            const result: UpdateResult = await update.executeTakeFirst().catch(emailTakenOr);
            if (result.numUpdatedRows === 0n) rollback(null);
          }
          // Only what changed is written: most profile updates keep the values as they are.
          const userId = String(id);
          const held = await trx.selectFrom('profile_unique_values').select(['field', 'value']).where('user_id', '=', userId).execute();
          for (const old of held.filter((candidate) => !wanted.some((row) => sameRow(row, candidate)))) {
            await trx.deleteFrom('profile_unique_values').where('field', '=', old.field).where('value', '=', old.value).where('user_id', '=', userId).execute();
          }
          await claimUniqueValues(trx, userId, wanted.filter((candidate) => !held.some((row) => sameRow(row, candidate))));
          row ??= await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
          return row ? rowToUser(row, kind) : null;
        });
      }
      const update = whereExpected(q.updateTable('users').set(userChanges(patch)).where('id', '=', id), expect);
      if (hasReturning) {
        const row = await update.returningAll().executeTakeFirst().catch(emailTakenOr);
        return row ? rowToUser(row, kind) : null;
      }
      const result: UpdateResult = await update.executeTakeFirst().catch(emailTakenOr);
      // The row count decides a conditional update (mysql2 reports matched rows, its FOUND_ROWS
      // default); the read back only gives the record.
      if (expect !== undefined && result.numUpdatedRows === 0n) return null;
      const row = await q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? rowToUser(row, kind) : null;
    },

    async deleteUser(id: UserId): Promise<boolean> {
      if (dialect === 'postgres') {
        // Data-modifying CTEs all run, once, in the one statement.
        const result = await q
          .with('ended_sessions', (db) => db.deleteFrom('sessions').where('user_id', '=', id).returning('id'))
          .with('ended_refresh_tokens', (db) =>
            db.deleteFrom('refresh_tokens').where('session_id', 'in', db.selectFrom('ended_sessions').select('id')).returning('hash'),
          )
          .with('ended_one_time_tokens', (db) => db.deleteFrom('one_time_tokens').where('user_id', '=', id).returning('id'))
          .with('freed_unique_values', (db) => db.deleteFrom('profile_unique_values').where('user_id', '=', String(id)).returning('field'))
          .deleteFrom('users')
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      }
      // The user row first: createOneTimeToken locks it first too, so the two cannot deadlock.
      return inTransaction(q, async (trx) => {
        const deleted = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        await trx
          .deleteFrom('refresh_tokens')
          .where('session_id', 'in', trx.selectFrom('sessions').select('id').where('user_id', '=', id))
          .execute();
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await trx.deleteFrom('one_time_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('profile_unique_values').where('user_id', '=', String(id)).execute();
        return deleted.numDeletedRows > 0n;
      });
    },

    async createSession(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
      if (dialect === 'postgres') {
        await q
          .with('new_session', (db) => db.insertInto('sessions').values(sessionToRow(session)).returning('id'))
          .insertInto('refresh_tokens')
          .values(refreshTokenToRow(firstToken))
          .execute();
        return;
      }
      await inTransaction(q, async (trx) => {
        await trx.insertInto('sessions').values(sessionToRow(session)).execute();
        await trx.insertInto('refresh_tokens').values(refreshTokenToRow(firstToken)).execute();
      });
    },

    async findSession(id: string): Promise<SessionWithUser | null> {
      const row = await q
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('sessions')
        .select(USER_COLUMNS)
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      return row ? { session: rowToSession(row, kind), user: joinedUser(row, kind) } : null;
    },

    async listSessions(userId: UserId): Promise<SessionRecord[]> {
      const rows = await q
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map((row) => rowToSession(row, kind));
    },

    async findRefreshToken(hash: string): Promise<RefreshTokenLookup | null> {
      const row = await q
        .selectFrom('refresh_tokens')
        .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('sessions')
        .select(USER_COLUMNS)
        .select(['refresh_tokens.hash as t_hash', 'refresh_tokens.issued_at as t_issued_at', 'refresh_tokens.used_at as t_used_at'])
        .where('refresh_tokens.hash', '=', hash)
        .executeTakeFirst();
      if (!row) return null;
      return {
        token: rowToRefreshToken({ hash: row.t_hash, session_id: row.id, issued_at: row.t_issued_at, used_at: row.t_used_at }),
        session: rowToSession(row, kind),
        user: joinedUser(row, kind),
      };
    },

    async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
      const now = toMillis(input.now);
      const next = refreshTokenToRow(input.next);
      if (dialect === 'postgres') {
        // One statement: the presented token is marked used only if still unused in a live
        // session; a concurrent rotation waits on its row lock, then finds it used.
        const inserted = await q
          .with('used', (db) =>
            db
              .updateTable('refresh_tokens')
              .set({ used_at: now })
              .where('hash', '=', input.presentedHash)
              .where('session_id', '=', input.sessionId)
              .where('used_at', 'is', null)
              .where(({ exists, selectFrom }) =>
                exists(selectFrom('sessions').select('id').where('id', '=', input.sessionId).where('revoked_at', 'is', null)),
              )
              .returning('session_id'),
          )
          .with('touched', (db) =>
            db
              .updateTable('sessions')
              .set({ last_used_at: now })
              .where('id', 'in', db.selectFrom('used').select('session_id'))
              .returning('id'),
          )
          .insertInto('refresh_tokens')
          .columns(['hash', 'session_id', 'issued_at', 'used_at'])
          .expression((db) =>
            db
              .selectFrom('used')
              .select(({ cast, val }) => [
                cast<string>(val(next.hash), 'varchar(255)').as('hash'),
                'used.session_id',
                cast<number>(val(next.issued_at), 'bigint').as('issued_at'),
                cast<number | null>(val(next.used_at), 'bigint').as('used_at'),
              ]),
          )
          .returning('hash')
          .execute();
        return inserted.length === 1;
      }
      return inTransaction(q, async (trx) => {
        // Lock the family first, so rotations of one session queue up behind each other.
        await trx
          .updateTable('sessions')
          .set({ last_used_at: now })
          .where('id', '=', input.sessionId)
          .where('revoked_at', 'is', null)
          .execute();
        const used = await trx
          .updateTable('refresh_tokens')
          .set({ used_at: now })
          .where('hash', '=', input.presentedHash)
          .where('session_id', '=', input.sessionId)
          .where('used_at', 'is', null)
          .where(({ exists, selectFrom }) =>
            exists(selectFrom('sessions').select('id').where('id', '=', input.sessionId).where('revoked_at', 'is', null)),
          )
          .executeTakeFirst();
        if (used.numUpdatedRows !== 1n) rollback(false);
        await trx.insertInto('refresh_tokens').values(next).execute();
        return true;
      });
    },

    async revokeSession(sessionId: string, options: RevokeOptions): Promise<boolean> {
      const result = await q
        .updateTable('sessions')
        .set({ revoked_at: toMillis(options.now), revoked_reason: options.reason })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeUserSessions(userId: UserId, options: RevokeUserSessionsOptions): Promise<number> {
      let update = q
        .updateTable('sessions')
        .set({ revoked_at: toMillis(options.now), revoked_reason: options.reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (options.exceptSessionId !== undefined) update = update.where('id', '!=', options.exceptSessionId);
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async createOneTimeToken(token: OneTimeTokenRecord): Promise<void> {
      await inTransaction(q, async (trx) => {
        // Locking the user serializes concurrent issues for one user, so that exactly one token
        // stays usable (SQLite runs one write transaction at a time anyway).
        if (dialect !== 'sqlite') await trx.selectFrom('users').select('id').where('id', '=', token.userId).forUpdate().execute();
        await trx
          .updateTable('one_time_tokens')
          .set({ used_at: toMillis(token.createdAt) })
          .where('user_id', '=', token.userId)
          .where('purpose', '=', token.purpose)
          .where('used_at', 'is', null)
          .execute();
        await trx.insertInto('one_time_tokens').values(oneTimeTokenToRow(token)).execute();
      });
    },

    async findOneTimeToken(hash: string): Promise<OneTimeTokenRecord | null> {
      const row = await q.selectFrom('one_time_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? rowToOneTimeToken(row, kind) : null;
    },

    async findActiveOneTimeToken(userId: UserId, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
      const row = await q
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', toMillis(now))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? rowToOneTimeToken(row, kind) : null;
    },

    async consumeOneTimeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
      const consume = q
        .updateTable('one_time_tokens')
        .set({ used_at: toMillis(now) })
        .where('hash', '=', hash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', toMillis(now));
      let row;
      if (hasReturning) {
        row = await consume.returningAll().executeTakeFirst();
      } else {
        // The UPDATE alone decides the winner; nothing changes the row once it is used.
        const result = await consume.executeTakeFirst();
        if (result.numUpdatedRows !== 1n) return null;
        row = await q.selectFrom('one_time_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      }
      // The record as it was before: only usedAt changed.
      return row ? { ...rowToOneTimeToken(row, kind), usedAt: null } : null;
    },

    async releaseOneTimeToken(hash: string, usedAt: Date): Promise<boolean> {
      const result = await q
        .updateTable('one_time_tokens')
        .set({ used_at: null })
        .where('hash', '=', hash)
        .where('used_at', '=', toMillis(usedAt))
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async checkOneTimeCode(input: CheckOneTimeCodeInput): Promise<OneTimeCodeCheck> {
      const now = toMillis(input.now);
      function newestUsable(db: Kysely<Database>) {
        return db
          .selectFrom('one_time_tokens')
          .where('user_id', '=', input.userId)
          .where('purpose', '=', input.purpose)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .where('attempts_left', '>', 0)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1);
      }
      if (hasReturning) {
        // One statement judges the code: SQLite runs a write statement under its write lock from
        // the start; PostgreSQL's FOR UPDATE makes concurrent calls queue on the row and then
        // re-check it, so no two judge the same try.
        const target = dialect === 'postgres' ? newestUsable(q).select('id').forUpdate() : newestUsable(q).select('id');
        const row = await q
          .updateTable('one_time_tokens')
          .set((eb) => {
            const right = eb('hash', '=', input.hash);
            return {
              // Both from the row as it was: SQLite and PostgreSQL evaluate SET on the old values.
              used_at: eb
                .case()
                .when(right)
                .then(now)
                .when('attempts_left', '<=', 1)
                .then(now)
                .else(eb.ref('used_at').$castTo<number | null>())
                .end(),
              attempts_left: eb.case().when(right).then(eb.ref('attempts_left')).else(eb('attempts_left', '-', 1)).end(),
            };
          })
          .where('id', '=', target)
          .returningAll()
          .executeTakeFirst();
        if (!row) return { outcome: 'none' };
        const code = rowToOneTimeToken(row, kind);
        if (sameHash(code.hash, input.hash)) return { outcome: 'consumed', record: { ...code, usedAt: null } };
        return { outcome: 'wrong', attemptsLeft: code.attemptsLeft ?? 0 };
      }
      // MySQL has no UPDATE … RETURNING: lock the code, then judge it, in one transaction.
      return inTransaction(q, async (trx): Promise<OneTimeCodeCheck> => {
        const row = await newestUsable(trx).selectAll().forUpdate().executeTakeFirst();
        if (!row) return { outcome: 'none' };
        const code = rowToOneTimeToken(row, kind);
        if (sameHash(code.hash, input.hash)) {
          await trx.updateTable('one_time_tokens').set({ used_at: now }).where('id', '=', code.id).execute();
          return { outcome: 'consumed', record: code };
        }
        const attemptsLeft = (code.attemptsLeft ?? 1) - 1;
        await trx
          .updateTable('one_time_tokens')
          .set({ attempts_left: attemptsLeft, used_at: attemptsLeft === 0 ? now : null })
          .where('id', '=', code.id)
          .execute();
        return { outcome: 'wrong', attemptsLeft };
      });
    },

    async voidOneTimeTokens(userId: UserId, purposes: readonly OneTimeTokenPurpose[], now: Date): Promise<number> {
      if (purposes.length === 0) return 0;
      const result = await q
        .updateTable('one_time_tokens')
        .set({ used_at: toMillis(now) })
        .where('user_id', '=', userId)
        .where('purpose', 'in', purposes)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
  return checkedAtFirstUse(store, () => userIdColumnKind(q, names, dialect), (found) => {
    if (found !== kind) throw new TypeError(userIdMismatch('kyselyStore', names.tables.users, found, kind));
  });
}

/**
 * The store with every method waiting, at first use only, for a look at the users table: a table
 * made for other ids than the store's fails every call with the same `TypeError`. A table not
 * there yet, or a failed look, is looked at again at the next call.
 */
function checkedAtFirstUse(store: Store, look: () => Promise<UserIdKind | null>, judge: (found: UserIdKind) => void): Store {
  let checked: Promise<void> | undefined;
  let confirmed = false;
  function check(): Promise<void> {
    checked ??= look().then(
      (found) => {
        if (found === null) {
          checked = undefined;
          return;
        }
        judge(found);
        confirmed = true;
      },
      (error: unknown) => {
        checked = undefined;
        throw error;
      },
    );
    return checked;
  }
  const guarded: Record<string, unknown> = { ...store };
  for (const [name, method] of Object.entries(store)) {
    if (typeof method !== 'function') continue;
    guarded[name] = async (...args: unknown[]): Promise<unknown> => {
      if (!confirmed) await check();
      return (method as (...values: unknown[]) => Promise<unknown>).apply(store, args);
    };
  }
  return guarded as unknown as Store;
}
