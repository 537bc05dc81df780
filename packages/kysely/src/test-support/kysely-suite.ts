// Test support, not part of the package: everything the Kysely stores must pass on one
// database kind, registered by one call from each `kysely-store.<kind>.test.ts`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthError } from '@gatehouse-auth/core';
import type { RateLimitStore, Store, UserRecord } from '@gatehouse-auth/core';
import { runRateLimitStoreConformance, runStoreConformance } from '@gatehouse-auth/core/testing';
import { CamelCasePlugin } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyRateLimitStore, kyselyStore, migrateToLatest } from '../index.js';
import { createTestDatabase } from './databases.js';
import type { TestDatabase } from './databases.js';

export type DatabaseKind = 'postgres' | 'mysql' | 'sqlite-file' | 'sqlite-memory';

/** Prefix of the tables made for integer user ids, next to the default ones. */
const INTEGER_PREFIX = 'int_';
/** Registrations in the race between app processes: every email twice. */
const REGISTRANTS = 12;

const LABELS: Record<DatabaseKind, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MariaDB',
  'sqlite-file': 'SQLite (file)',
  'sqlite-memory': 'SQLite (:memory:)',
};

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const now = new Date('2030-01-02T03:04:05.678Z');
  return {
    id: randomUUID(),
    email: `kysely-${randomUUID()}@example.com`,
    emailVerifiedAt: null,
    passwordHash: null,
    role: 'user',
    status: 'active',
    profile: {},
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Each Store and RateLimitStore method once, on its success path, as a flow calls it. */
async function callEveryMethod(store: Store, limits: RateLimitStore, record: (method: string) => void, fresh: () => UserRecord): Promise<void> {
  const at = (ms: number): Date => new Date(Date.UTC(2030, 0, 1) + ms);
  const u = fresh();
  record('createUser');
  await store.createUser(u);
  const named = fresh();
  record('createUser with unique');
  await store.createUser(named, { unique: [{ field: 'username', value: `cost-${randomUUID()}` }] });
  // A change of the value: one delete and one insert besides the update.
  record('updateUser with unique');
  await store.updateUser(named.id, { profile: {}, updatedAt: at(1) }, { unique: [{ field: 'username', value: `cost-${randomUUID()}` }] });
  record('findUserById');
  await store.findUserById(u.id);
  record('findUserByEmail');
  await store.findUserByEmail(u.email);
  record('updateUser');
  await store.updateUser(u.id, { lastLoginAt: at(1), updatedAt: at(1) });
  // Not a row of its own in the README: a conditional update costs what an update costs.
  record('updateUser with expect');
  await store.updateUser(u.id, { status: 'disabled', updatedAt: at(1) }, { expect: { status: 'active', email: u.email } });
  const session = { id: randomUUID(), userId: u.id, createdAt: at(0), lastUsedAt: at(0), expiresAt: at(1e9), revokedAt: null, revokedReason: null, rotationKey: 'k', userAgent: null, ip: null };
  const first = { hash: randomUUID(), sessionId: session.id, issuedAt: at(0), usedAt: null };
  record('createSession');
  await store.createSession(session, first);
  record('findSession');
  await store.findSession(session.id);
  record('listSessions');
  await store.listSessions(u.id);
  record('findRefreshToken');
  await store.findRefreshToken(first.hash);
  record('rotateRefreshToken');
  await store.rotateRefreshToken({ sessionId: session.id, presentedHash: first.hash, next: { ...first, hash: randomUUID(), issuedAt: at(2) }, now: at(2) });
  record('revokeSession');
  await store.revokeSession(session.id, { now: at(3), reason: 'logout' });
  record('revokeUserSessions');
  await store.revokeUserSessions(u.id, { now: at(3), reason: 'logout_all' });
  const code = { id: randomUUID(), hash: randomUUID(), userId: u.id, purpose: 'email-verification-code' as const, createdAt: at(0), expiresAt: at(1e6), usedAt: null, attemptsLeft: 5, data: null };
  record('createOneTimeToken');
  await store.createOneTimeToken(code);
  record('findOneTimeToken');
  await store.findOneTimeToken(code.hash);
  record('findActiveOneTimeToken');
  await store.findActiveOneTimeToken(u.id, code.purpose, at(1));
  record('checkOneTimeCode');
  await store.checkOneTimeCode({ userId: u.id, purpose: code.purpose, hash: code.hash, now: at(1) });
  const link = { ...code, id: randomUUID(), hash: randomUUID(), purpose: 'password-reset' as const, attemptsLeft: null };
  record('setup');
  await store.createOneTimeToken(link);
  record('consumeOneTimeToken');
  await store.consumeOneTimeToken(link.hash, link.purpose, at(2));
  record('voidOneTimeTokens');
  await store.voidOneTimeTokens(u.id, ['password-reset'], at(3));
  record('deleteUser');
  await store.deleteUser(u.id);
  record('hit');
  await limits.hit(`cost:${randomUUID()}`, 60_000, at(0));
  record('peek');
  await limits.peek('cost', at(0));
  record('reset');
  await limits.reset('cost');
  record('end');
}

/** The "Query costs" table of the README: method → count of statements per dialect column. */
function readmeCosts(): Map<string, Record<'sqlite' | 'postgres' | 'mysql', number>> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const costs = new Map<string, Record<'sqlite' | 'postgres' | 'mysql', number>>();
  for (const line of readme.split('\n')) {
    // A row names a method (`createUser`), or a method with an option (`createUser` with `unique`).
    const cells = /^\|\s*(`\w+`(?: with `\w+`)?)\s*\|([^|]*)\|([^|]*)\|([^|]*)\|/.exec(line);
    if (!cells) continue;
    const count = (cell: string | undefined): number => Number(/\d+/.exec(cell ?? '')?.[0]);
    costs.set((cells[1] ?? '').replaceAll('`', ''), { sqlite: count(cells[2]), postgres: count(cells[3]), mysql: count(cells[4]) });
  }
  return costs;
}

/**
 * Registers, for one database kind: a fresh database for the file (created and migrated before
 * the first test, dropped after the last), the Store and RateLimitStore conformance suites, and
 * the Kysely store's own promises.
 */
export function describeKyselyStores(kind: DatabaseKind): void {
  const label = LABELS[kind];
  let database: TestDatabase | undefined;
  function db(): Kysely<any> {
    if (database === undefined) throw new Error('no test database');
    return database.db;
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db);
    // Beside them, tables for ids the database assigns.
    await migrateToLatest(database.db, { tablePrefix: INTEGER_PREFIX, userIds: 'integer' });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  runStoreConformance({ name: `kyselyStore on ${label}`, createStore: () => kyselyStore(db()) });
  runStoreConformance({
    name: `kyselyStore with integer user ids on ${label}`,
    createStore: () => kyselyStore(db(), { tablePrefix: INTEGER_PREFIX, userIds: 'integer' }),
    userIds: 'integer',
  });
  runRateLimitStoreConformance({ name: `kyselyRateLimitStore on ${label}`, createStore: () => kyselyRateLimitStore(db()) });

  describe(`kyselyStore on ${label}`, () => {
    it('reports only the email index as EMAIL_TAKEN: a duplicate id is a database error', async () => {
      const store = kyselyStore(db());
      const first = user();
      await store.createUser(first);
      const error = await rejection(store.createUser(user({ id: first.id })));
      expect(error).not.toBeInstanceOf(AuthError);
      expect(error).toBeInstanceOf(Error);
    });

    it('reports a duplicate one-time token hash as a database error, not EMAIL_TAKEN', async () => {
      const store = kyselyStore(db());
      const owner = user();
      await store.createUser(owner);
      const token = { id: randomUUID(), hash: randomUUID(), userId: owner.id, purpose: 'password-reset' as const, createdAt: owner.createdAt, expiresAt: owner.createdAt, usedAt: null, attemptsLeft: null, data: null };
      await store.createOneTimeToken(token);
      expect(await rejection(store.createOneTimeToken({ ...token, id: randomUUID() }))).not.toBeInstanceOf(AuthError);
    });

    it('keeps unique values of any length: those over 255 characters are stored as their SHA-256', async () => {
      const store = kyselyStore(db());
      const long = { field: 'bio', value: `${'x'.repeat(300)}${randomUUID()}` };
      await store.createUser(user(), { unique: [long] });
      expect(await rejection(store.createUser(user(), { unique: [long] }))).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'bio', code: 'taken' }] });
      await store.createUser(user(), { unique: [{ ...long, value: `${long.value}!` }] });
    });

    it('reports a duplicate id as a database error even with unique values, and claims none of them', async () => {
      const store = kyselyStore(db());
      const first = user();
      await store.createUser(first);
      const value = { field: 'username', value: `dup-${randomUUID()}` };
      const error = await rejection(store.createUser(user({ id: first.id }), { unique: [value] }));
      expect(error).not.toBeInstanceOf(AuthError);
      await store.createUser(user(), { unique: [value] });
    });

    it('stores emails lower-cased, so the plain unique index is case-insensitive on every database', async () => {
      const store = kyselyStore(db());
      const mixed = user({ email: `Mixed.${randomUUID()}@Example.COM` });
      await store.createUser(mixed);
      expect((await store.findUserById(mixed.id))?.email).toBe(mixed.email.toLowerCase());
    });

    it('compares token hashes and rate-limit keys exactly: case matters, even on MySQL', async () => {
      const store = kyselyStore(db());
      const owner = user();
      await store.createUser(owner);
      const hash = `Aa${randomUUID()}`;
      const token = { id: randomUUID(), hash, userId: owner.id, purpose: 'password-reset' as const, createdAt: owner.createdAt, expiresAt: owner.createdAt, usedAt: null, attemptsLeft: null, data: null };
      await store.createOneTimeToken(token);
      expect(await store.findOneTimeToken(hash.toLowerCase())).toBeNull();
      expect(await store.findOneTimeToken(hash)).toEqual(token);

      const limits = kyselyRateLimitStore(db());
      const key = `Key:${randomUUID()}`;
      const now = new Date('2030-01-01T00:00:00.000Z');
      await limits.hit(key, 60_000, now);
      expect((await limits.hit(key.toLowerCase(), 60_000, now)).count).toBe(1);
    });

    it('counts rate-limit keys longer than the key column like any other', async () => {
      const limits = kyselyRateLimitStore(db());
      const now = new Date('2030-01-01T00:00:00.000Z');
      const long = `login:${'x'.repeat(2_000)}:${randomUUID()}`;
      await limits.hit(long, 60_000, now);
      expect(await limits.hit(long, 60_000, now)).toEqual({ count: 2, resetAt: new Date('2030-01-01T00:01:00.000Z') });
      expect((await limits.hit(`${long}!`, 60_000, now)).count).toBe(1);
      expect((await limits.peek(long, now))?.count).toBe(2);
      await limits.reset(long);
      expect(await limits.peek(long, now)).toBeNull();
    });

    it('keeps two table prefixes apart in one database', async () => {
      await migrateToLatest(db(), { tablePrefix: 'other_' });
      const ours = kyselyStore(db());
      const theirs = kyselyStore(db(), { tablePrefix: 'other_' });
      const shared = user();
      await ours.createUser(shared);
      expect(await theirs.findUserById(shared.id)).toBeNull();
      await theirs.createUser({ ...shared, id: randomUUID() });
      expect((await ours.findUserByEmail(shared.email))?.id).toBe(shared.id);
    });

    it("ignores the app's plugins on the Kysely instance (CamelCasePlugin)", async () => {
      const camel = db().withPlugin(new CamelCasePlugin());
      expect((await migrateToLatest(camel)).applied).toEqual([]);
      const store = kyselyStore(camel);
      const record = user({ lastLoginAt: new Date('2030-05-05T05:05:05.005Z') });
      await store.createUser(record);
      expect(await store.findUserById(record.id)).toEqual(record);
    });

    it('throws database failures as they are, never as an AuthError', async () => {
      const unmigrated = kyselyStore(db(), { tablePrefix: 'missing_' });
      expect(await rejection(unmigrated.findUserById(randomUUID()))).not.toBeInstanceOf(AuthError);
      expect(await rejection(unmigrated.createUser(user()))).not.toBeInstanceOf(AuthError);
    });

    if (kind !== 'sqlite-memory') {
      // The conformance suite races one pool; here every call may come from another app process
      // (on SQLite, another connection to the file, whose transactions do interleave).
      it('checks a short code exactly when several app processes race for it', async () => {
        const stores = Array.from({ length: 4 }, () => kyselyStore(database?.connect() ?? db()));
        const owner = user();
        await kyselyStore(db()).createUser(owner);
        const at = (ms: number): Date => new Date(Date.UTC(2030, 0, 1) + ms);
        for (let round = 0; round < 4; round += 1) {
          const code = { id: randomUUID(), hash: randomUUID(), userId: owner.id, purpose: 'email-change-code' as const, createdAt: at(round), expiresAt: at(1e6), usedAt: null, attemptsLeft: 5, data: null };
          await kyselyStore(db()).createOneTimeToken(code);
          const right = (round * 3 + 2) % 12;
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, index) =>
              (stores[index % stores.length] ?? kyselyStore(db())).checkOneTimeCode({ userId: owner.id, purpose: code.purpose, hash: index === right ? code.hash : randomUUID(), now: at(100 + index) }),
            ),
          );
          const consumed = results.filter((result) => result.outcome === 'consumed').length;
          const wrong = results.filter((result) => result.outcome === 'wrong').length;
          expect(consumed + wrong).toBeLessThanOrEqual(5);
          expect(consumed).toBeLessThanOrEqual(1);
          expect((await kyselyStore(db()).findOneTimeToken(code.hash))?.attemptsLeft).toBe(5 - wrong);
        }
      });

      // PostgreSQL and MySQL only: several processes writing one SQLite file in transactions
      // collide with SQLITE_BUSY, whatever the method (one process, as the suite runs, is exact).
      it.skipIf(kind === 'sqlite-file')('lets exactly one of several app processes claim one unique value', async () => {
        const stores = Array.from({ length: 4 }, () => kyselyStore(database?.connect() ?? db()));
        for (let round = 0; round < 3; round += 1) {
          const value = { field: 'username', value: `race-${randomUUID()}` };
          const candidates = Array.from({ length: 8 }, () => user());
          const results = await Promise.allSettled(candidates.map((candidate, index) => (stores[index % stores.length] ?? kyselyStore(db())).createUser(candidate, { unique: [value] })));
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
          for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'username', code: 'taken' }] });
        }
      });

      it(`gives ${REGISTRANTS} registrations racing from several app processes ${REGISTRANTS} distinct integer ids, one per email`, async () => {
        const stores = Array.from({ length: 4 }, () => kyselyStore(database?.connect() ?? db(), { tablePrefix: INTEGER_PREFIX, userIds: 'integer' }));
        const emails = Array.from({ length: REGISTRANTS / 2 }, () => `race-${randomUUID()}@example.com`);
        // Every email twice: one of each pair must lose with EMAIL_TAKEN.
        const candidates = [...emails, ...emails].map((email) => ({ ...user({ email }), id: null }));
        const results = await Promise.allSettled(candidates.map((candidate, index) => (stores[index % stores.length] as Store).createUser(candidate)));
        const ids = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        expect(ids).toHaveLength(emails.length);
        expect(new Set(ids).size).toBe(emails.length);
        for (const id of ids) expect(Number.isSafeInteger(id)).toBe(true);
        for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'EMAIL_TAKEN' });
        for (const email of emails) expect(ids).toContain((await stores[0]?.findUserByEmail(email))?.id);
      });

      it('costs the number of statements the README says, method by method', async () => {
        const dialect = kind === 'sqlite-file' ? 'sqlite' : kind;
        const counts = new Map<string, number>();
        let current = '';
        const counting = database?.connect({ onQuery: () => counts.set(current, (counts.get(current) ?? 0) + 1) });
        if (counting === undefined) throw new Error('no test database');
        const store = kyselyStore(counting);
        // The first call also reads the type of users.id, once per store (the README says so).
        current = 'first use';
        await store.findUserById(randomUUID());
        expect(counts.get('first use')).toBe(2);
        await callEveryMethod(store, kyselyRateLimitStore(counting), (method) => (current = method), user);
        const documented = readmeCosts();
        const measured = Object.fromEntries([...documented.keys()].map((method) => [method, counts.get(method) ?? 0]));
        const expected = Object.fromEntries([...documented].map(([method, cost]) => [method, cost[dialect]]));
        expect(documented.size).toBe(23);
        expect(measured).toEqual(expected);
        expect(counts.get('updateUser with expect')).toBe(expected.updateUser);
      });
    }
  });
}
