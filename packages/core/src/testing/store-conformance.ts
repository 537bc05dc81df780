import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OneTimeTokenRecord, RefreshTokenRecord, SessionRecord, Store, UserRecord } from '../ports/store.js';
import { describeOneTimeCodes } from './conformance/one-time-codes.js';
import { expectEmailTaken, rejection } from './conformance/support.js';
import { describeUserUpdates } from './conformance/user-updates.js';
import { at, instant, oneTimeTokenRecord, refreshTokenRecord, sessionRecord, uniqueEmail, uniqueHash, uniqueId, userRecord } from './fixtures.js';

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** Names the suite in the test report, e.g. `kyselyStore on PostgreSQL`. */
  name: string;
  /**
   * Makes the store under test. Called once, before the suite's first test; every test then
   * works on the same store with its own random ids, emails and hashes, so the store need not
   * be emptied between tests (an empty one is still the best start).
   */
  createStore: () => Store | Promise<Store>;
  /** Called once after the suite's last test, with the store `createStore` made (close pools here). */
  teardown?: (store: Store) => void | Promise<void>;
}

/** Parallel calls in the concurrency tests: enough to interleave on a real connection pool. */
const CONSUMERS = 20;
const REGISTRANTS = 10;

/**
 * Registers a vitest suite that checks every contract of the {@link Store} port against one
 * store: lookups and misses, case-insensitive email uniqueness, millisecond Date round-trips,
 * expiry, and the atomic operations under concurrency (single-use consume, short-code checks,
 * conditional user updates, refresh-token rotation, duplicate registration).
 *
 * Call it at the top level of a `*.test.ts` file; it needs `vitest` (an optional peer
 * dependency of `@gatehouse/core`).
 *
 * @throws TypeError when `name` or `createStore` is missing.
 *
 * @example
 * ```ts
 * import { memoryStore } from '@gatehouse/core';
 * import { runStoreConformance } from '@gatehouse/core/testing';
 *
 * // In a *.test.ts file; for a database, create and migrate it in createStore, drop it in teardown.
 * runStoreConformance({ name: 'memoryStore', createStore: () => memoryStore() });
 * ```
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError('runStoreConformance: give a `name` for the suite, e.g. "myStore on PostgreSQL".');
  }
  if (typeof options.createStore !== 'function') {
    throw new TypeError('runStoreConformance: give `createStore`, a function that returns the Store to test.');
  }

  describe(`Store conformance: ${options.name}`, () => {
    let current: Store | undefined;
    beforeAll(async () => {
      current = await options.createStore();
    });
    afterAll(async () => {
      if (current !== undefined) await options.teardown?.(current);
    });
    function store(): Store {
      if (current === undefined) throw new Error('createStore did not give a store');
      return current;
    }

    async function newUser(overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
      const user = userRecord(overrides);
      await store().createUser(user);
      return user;
    }

    async function newSession(userId: string, overrides: Partial<SessionRecord> = {}): Promise<{ session: SessionRecord; token: RefreshTokenRecord }> {
      const session = sessionRecord(userId, overrides);
      const token = refreshTokenRecord(session.id, { issuedAt: session.createdAt });
      await store().createSession(session, token);
      return { session, token };
    }

    async function newCode(userId: string, overrides: Partial<OneTimeTokenRecord> = {}): Promise<OneTimeTokenRecord> {
      const token = oneTimeTokenRecord(userId, { purpose: 'email-verification-code', attemptsLeft: 3, expiresAt: at(600_000), ...overrides });
      await store().createOneTimeToken(token);
      return token;
    }

    describe('users', () => {
      it('createUser then findUserById and findUserByEmail return the same record', async () => {
        const user = await newUser();
        expect(await store().findUserById(user.id)).toEqual(user);
        expect(await store().findUserByEmail(user.email)).toEqual(user);
      });

      it('round-trips every field: Dates to the millisecond, nulls, and a nested JSON profile', async () => {
        const user = await newUser({
          emailVerifiedAt: instant(Date.UTC(2099, 11, 31, 23, 59, 59, 999)),
          passwordHash: null,
          role: 'admin',
          status: 'active',
          profile: { firstName: 'Zoë', lastName: "O'Brien 🦊", nested: { n: 1.5, list: [1, 'two', null, true] }, empty: {} },
          createdAt: instant(Date.UTC(1999, 0, 1, 0, 0, 0, 1)),
          updatedAt: at(1),
          lastLoginAt: at(999),
        });
        const found = await store().findUserById(user.id);
        expect(found).toEqual(user);
        expect(found?.createdAt).toBeInstanceOf(Date);
        expect(found?.emailVerifiedAt?.getTime()).toBe(Date.UTC(2099, 11, 31, 23, 59, 59, 999));
        expect(found?.lastLoginAt?.getTime()).toBe(at(999).getTime());
      });

      it('returns null on a miss', async () => {
        expect(await store().findUserById(uniqueId())).toBeNull();
        expect(await store().findUserByEmail(uniqueEmail())).toBeNull();
      });

      it('finds a user by email compared case-insensitively', async () => {
        const user = await newUser();
        expect((await store().findUserByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
      });

      it('createUser throws AuthError EMAIL_TAKEN for an email already used, in any case, and keeps the first user', async () => {
        const user = await newUser();
        expectEmailTaken(await rejection(store().createUser(userRecord({ email: user.email }))));
        expectEmailTaken(await rejection(store().createUser(userRecord({ email: user.email.toUpperCase() }))));
        expect(await store().findUserByEmail(user.email)).toEqual(user);
      });

      it(`of ${REGISTRANTS} concurrent createUser calls with one email, exactly one succeeds and the others throw EMAIL_TAKEN`, async () => {
        const email = uniqueEmail();
        const candidates = Array.from({ length: REGISTRANTS }, () => userRecord({ email }));
        const results = await Promise.allSettled(candidates.map((candidate) => store().createUser(candidate)));
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [candidates[index]] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) if (result.status === 'rejected') expectEmailTaken(result.reason);
        expect((await store().findUserByEmail(email))?.id).toBe(winners[0]?.id);
      });

      it('updateUser applies the patch, returns the updated record and keeps the fields it does not name', async () => {
        const user = await newUser();
        const patch = {
          emailVerifiedAt: at(5_001),
          status: 'active' as const,
          profile: { firstName: 'Grace', lastName: 'Hopper' },
          lastLoginAt: at(5_002),
          updatedAt: at(5_003),
        };
        const updated = await store().updateUser(user.id, patch);
        const expected = { ...user, ...patch };
        expect(updated).toEqual(expected);
        expect(await store().findUserById(user.id)).toEqual(expected);
      });

      it('updateUser sets nullable fields back to null', async () => {
        const user = await newUser({ emailVerifiedAt: at(1), lastLoginAt: at(2) });
        const updated = await store().updateUser(user.id, { emailVerifiedAt: null, lastLoginAt: null, passwordHash: null, updatedAt: at(3) });
        expect(updated).toEqual({ ...user, emailVerifiedAt: null, lastLoginAt: null, passwordHash: null, updatedAt: at(3) });
      });

      it('updateUser changes the email: the new one finds the user, the old one finds nobody and is free again', async () => {
        const user = await newUser();
        const email = uniqueEmail();
        expect((await store().updateUser(user.id, { email, updatedAt: at(1) }))?.email).toBe(email);
        expect((await store().findUserByEmail(email))?.id).toBe(user.id);
        expect(await store().findUserByEmail(user.email)).toBeNull();
        await store().createUser(userRecord({ email: user.email }));
      });

      it('updateUser returns null for an unknown user', async () => {
        expect(await store().updateUser(uniqueId(), { role: 'admin', updatedAt: at(1) })).toBeNull();
      });

      it("updateUser throws EMAIL_TAKEN for another user's email, in any case, and changes nothing", async () => {
        const first = await newUser();
        const second = await newUser();
        expectEmailTaken(await rejection(store().updateUser(second.id, { email: first.email, role: 'admin', updatedAt: at(1) })));
        expectEmailTaken(await rejection(store().updateUser(second.id, { email: first.email.toUpperCase(), updatedAt: at(1) })));
        expect(await store().findUserById(second.id)).toEqual(second);
        expect(await store().findUserById(first.id)).toEqual(first);
      });

      it("deleteUser deletes the user with their sessions, refresh tokens and single-use tokens, and nobody else's", async () => {
        const user = await newUser();
        const other = await newUser();
        const { session, token } = await newSession(user.id);
        const rotated = refreshTokenRecord(session.id, { issuedAt: at(10) });
        expect(await store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next: rotated, now: at(10) })).toBe(true);
        const code = await newCode(user.id);
        const kept = await newSession(other.id);
        const keptCode = await newCode(other.id);

        expect(await store().deleteUser(user.id)).toBe(true);

        expect(await store().findUserById(user.id)).toBeNull();
        expect(await store().findUserByEmail(user.email)).toBeNull();
        expect(await store().findSession(session.id)).toBeNull();
        expect(await store().listSessions(user.id)).toEqual([]);
        expect(await store().findRefreshToken(token.hash)).toBeNull();
        expect(await store().findRefreshToken(rotated.hash)).toBeNull();
        expect(await store().findOneTimeToken(code.hash)).toBeNull();
        expect(await store().findUserById(other.id)).toEqual(other);
        expect((await store().findSession(kept.session.id))?.session).toEqual(kept.session);
        expect((await store().findRefreshToken(kept.token.hash))?.token).toEqual(kept.token);
        expect(await store().findOneTimeToken(keptCode.hash)).toEqual(keptCode);
      });

      it('deleteUser returns false for an unknown or already deleted user', async () => {
        const user = await newUser();
        expect(await store().deleteUser(user.id)).toBe(true);
        expect(await store().deleteUser(user.id)).toBe(false);
        expect(await store().deleteUser(uniqueId())).toBe(false);
      });
    });

    describeUserUpdates(store);

    describe('sessions', () => {
      it('createSession then findSession returns the session, exactly, with its user', async () => {
        const user = await newUser();
        const { session } = await newSession(user.id, { userAgent: null, ip: null, expiresAt: instant(Date.UTC(2040, 1, 29, 12, 0, 0, 7)) });
        expect(await store().findSession(session.id)).toEqual({ session, user });
      });

      it('findSession returns null on a miss, and still finds revoked and expired sessions', async () => {
        const user = await newUser();
        expect(await store().findSession(uniqueId())).toBeNull();
        const expired = await newSession(user.id, { createdAt: at(-20_000), lastUsedAt: at(-20_000), expiresAt: at(-10_000) });
        expect((await store().findSession(expired.session.id))?.session).toEqual(expired.session);
        const revoked = await newSession(user.id);
        await store().revokeSession(revoked.session.id, { now: at(1), reason: 'logout' });
        expect((await store().findSession(revoked.session.id))?.session).toEqual({ ...revoked.session, revokedAt: at(1), revokedReason: 'logout' });
      });

      it('createSession is all or nothing: when it fails, neither the session nor its token is kept', async () => {
        const user = await newUser();
        const { token: taken } = await newSession(user.id);
        const session = sessionRecord(user.id);
        // A first token whose hash is already stored: a store that rejects the duplicate must
        // not keep the session it may already have written.
        const outcome = await store()
          .createSession(session, refreshTokenRecord(session.id, { hash: taken.hash }))
          .then(() => 'stored', () => 'failed');
        if (outcome === 'failed') {
          expect(await store().findSession(session.id)).toBeNull();
          expect((await store().findRefreshToken(taken.hash))?.session.id).not.toBe(session.id);
        }
      });

      it('listSessions returns the live sessions of the user, newest first, expired ones included', async () => {
        const user = await newUser();
        const other = await newUser();
        const oldest = await newSession(user.id, { createdAt: at(-3_000) });
        const expired = await newSession(user.id, { createdAt: at(-2_000), expiresAt: at(-1_000) });
        const revoked = await newSession(user.id, { createdAt: at(-1_500) });
        const newest = await newSession(user.id, { createdAt: at(-1_000) });
        await newSession(other.id, { createdAt: at(-500) });
        await store().revokeSession(revoked.session.id, { now: at(0), reason: 'logout' });
        expect(await store().listSessions(user.id)).toEqual([newest.session, expired.session, oldest.session]);
      });

      it('listSessions returns an empty list for a user without live sessions', async () => {
        expect(await store().listSessions(uniqueId())).toEqual([]);
      });

      it('revokeSession ends a live session (true), then answers false and keeps the first revocation', async () => {
        const user = await newUser();
        const { session } = await newSession(user.id);
        expect(await store().revokeSession(session.id, { now: at(10), reason: 'logout' })).toBe(true);
        expect(await store().revokeSession(session.id, { now: at(20), reason: 'password_changed' })).toBe(false);
        expect((await store().findSession(session.id))?.session).toEqual({ ...session, revokedAt: at(10), revokedReason: 'logout' });
        expect(await store().revokeSession(uniqueId(), { now: at(10), reason: 'logout' })).toBe(false);
      });

      it('revokeUserSessions ends every live session of the user but exceptSessionId, and counts them', async () => {
        const user = await newUser();
        const other = await newUser();
        const kept = await newSession(user.id, { createdAt: at(-1) });
        const ended = [await newSession(user.id, { createdAt: at(-2) }), await newSession(user.id, { createdAt: at(-3) })];
        const earlier = await newSession(user.id, { createdAt: at(-4) });
        await store().revokeSession(earlier.session.id, { now: at(1), reason: 'logout' });
        const stranger = await newSession(other.id);

        const count = await store().revokeUserSessions(user.id, { now: at(5), reason: 'password_changed', exceptSessionId: kept.session.id });

        expect(count).toBe(2);
        expect(await store().listSessions(user.id)).toEqual([kept.session]);
        for (const { session } of ended) {
          expect((await store().findSession(session.id))?.session).toEqual({ ...session, revokedAt: at(5), revokedReason: 'password_changed' });
        }
        // Already ended sessions keep their first revocation; other users are untouched.
        expect((await store().findSession(earlier.session.id))?.session).toMatchObject({ revokedAt: at(1), revokedReason: 'logout' });
        expect(await store().listSessions(other.id)).toEqual([stranger.session]);
      });

      it('revokeUserSessions without exceptSessionId ends them all, and returns 0 when none is live', async () => {
        const user = await newUser();
        await newSession(user.id);
        await newSession(user.id);
        expect(await store().revokeUserSessions(user.id, { now: at(1), reason: 'logout_all' })).toBe(2);
        expect(await store().listSessions(user.id)).toEqual([]);
        expect(await store().revokeUserSessions(user.id, { now: at(2), reason: 'logout_all' })).toBe(0);
      });
    });

    describe('refresh tokens', () => {
      it('findRefreshToken returns the token with its session and user, and null on a miss', async () => {
        const user = await newUser();
        const { session, token } = await newSession(user.id);
        expect(await store().findRefreshToken(token.hash)).toEqual({ token, session, user });
        expect(await store().findRefreshToken(uniqueHash())).toBeNull();
      });

      it('rotateRefreshToken marks the presented token used, stores the successor and moves lastUsedAt', async () => {
        const user = await newUser();
        const { session, token } = await newSession(user.id);
        const next = refreshTokenRecord(session.id, { issuedAt: at(60_000) });
        expect(await store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next, now: at(60_000) })).toBe(true);

        const rotatedSession = { ...session, lastUsedAt: at(60_000) };
        expect(await store().findRefreshToken(token.hash)).toEqual({ token: { ...token, usedAt: at(60_000) }, session: rotatedSession, user });
        expect(await store().findRefreshToken(next.hash)).toEqual({ token: next, session: rotatedSession, user });

        const third = refreshTokenRecord(session.id, { issuedAt: at(120_000) });
        expect(await store().rotateRefreshToken({ sessionId: session.id, presentedHash: next.hash, next: third, now: at(120_000) })).toBe(true);
        expect((await store().findRefreshToken(third.hash))?.token).toEqual(third);
      });

      it('rotateRefreshToken returns false and changes nothing for a token already used', async () => {
        const user = await newUser();
        const { session, token } = await newSession(user.id);
        const next = refreshTokenRecord(session.id, { issuedAt: at(1_000) });
        await store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next, now: at(1_000) });
        const replay = refreshTokenRecord(session.id, { issuedAt: at(2_000) });

        expect(await store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next: replay, now: at(2_000) })).toBe(false);

        expect(await store().findRefreshToken(replay.hash)).toBeNull();
        const lookup = await store().findRefreshToken(token.hash);
        expect(lookup?.token.usedAt).toEqual(at(1_000));
        expect(lookup?.session.lastUsedAt).toEqual(at(1_000));
      });

      it('rotateRefreshToken returns false and changes nothing when the session is revoked', async () => {
        const user = await newUser();
        const { session, token } = await newSession(user.id);
        await store().revokeSession(session.id, { now: at(500), reason: 'logout' });
        const next = refreshTokenRecord(session.id, { issuedAt: at(1_000) });

        expect(await store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next, now: at(1_000) })).toBe(false);

        expect(await store().findRefreshToken(next.hash)).toBeNull();
        const lookup = await store().findRefreshToken(token.hash);
        expect(lookup?.token).toEqual(token);
        expect(lookup?.session.lastUsedAt).toEqual(session.lastUsedAt);
      });

      it(`of ${CONSUMERS} concurrent rotations of one token, exactly one returns true and the family keeps one live token`, async () => {
        const user = await newUser();
        const { session, token } = await newSession(user.id);
        const successors = Array.from({ length: CONSUMERS }, (_, index) => refreshTokenRecord(session.id, { issuedAt: at(1_000 + index) }));

        const results = await Promise.all(
          successors.map((next, index) => store().rotateRefreshToken({ sessionId: session.id, presentedHash: token.hash, next, now: at(1_000 + index) })),
        );

        expect(results.filter((won) => won)).toHaveLength(1);
        const winner = successors[results.indexOf(true)];
        const stored = await Promise.all(successors.map((next) => store().findRefreshToken(next.hash)));
        expect(stored.filter((lookup) => lookup !== null).map((lookup) => lookup?.token)).toEqual([winner]);
        const presented = await store().findRefreshToken(token.hash);
        expect(presented?.token.usedAt).toEqual(winner?.issuedAt);
        expect(presented?.session.lastUsedAt).toEqual(winner?.issuedAt);
      });
    });

    describe('one-time tokens', () => {
      it('createOneTimeToken then findOneTimeToken returns the record exactly; a miss returns null', async () => {
        const user = await newUser();
        const link = oneTimeTokenRecord(user.id, { purpose: 'email-change', data: 'new-address@example.com' });
        await store().createOneTimeToken(link);
        const code = await newCode(user.id);
        expect(await store().findOneTimeToken(link.hash)).toEqual(link);
        expect(await store().findOneTimeToken(code.hash)).toEqual(code);
        expect(await store().findOneTimeToken(uniqueHash())).toBeNull();
      });

      it('createOneTimeToken voids the older unused tokens of the same user and purpose, not of other purposes or users', async () => {
        const user = await newUser();
        const other = await newUser();
        const older = oneTimeTokenRecord(user.id, { purpose: 'password-reset', createdAt: at(-2_000) });
        const consumed = oneTimeTokenRecord(user.id, { purpose: 'password-reset', createdAt: at(-3_000) });
        const otherPurpose = oneTimeTokenRecord(user.id, { purpose: 'email-verification', createdAt: at(-1_000) });
        const otherUser = oneTimeTokenRecord(other.id, { purpose: 'password-reset', createdAt: at(-1_000) });
        await store().createOneTimeToken(consumed);
        await store().consumeOneTimeToken(consumed.hash, 'password-reset', at(-2_500));
        for (const token of [older, otherPurpose, otherUser]) await store().createOneTimeToken(token);

        const newest = oneTimeTokenRecord(user.id, { purpose: 'password-reset', createdAt: at(0) });
        await store().createOneTimeToken(newest);

        expect((await store().findOneTimeToken(older.hash))?.usedAt).not.toBeNull();
        expect(await store().consumeOneTimeToken(older.hash, 'password-reset', at(1))).toBeNull();
        expect((await store().findOneTimeToken(consumed.hash))?.usedAt).toEqual(at(-2_500));
        expect(await store().findOneTimeToken(newest.hash)).toEqual(newest);
        expect(await store().findOneTimeToken(otherPurpose.hash)).toEqual(otherPurpose);
        expect(await store().findOneTimeToken(otherUser.hash)).toEqual(otherUser);
        expect(await store().findActiveOneTimeToken(user.id, 'password-reset', at(1))).toEqual(newest);
      });

      it(`of ${REGISTRANTS} concurrent createOneTimeToken calls for one user and purpose, exactly one token stays usable`, async () => {
        const user = await newUser();
        const tokens = Array.from({ length: REGISTRANTS }, (_, index) => oneTimeTokenRecord(user.id, { purpose: 'password-reset', createdAt: at(index) }));
        await Promise.all(tokens.map((token) => store().createOneTimeToken(token)));
        const stored = await Promise.all(tokens.map((token) => store().findOneTimeToken(token.hash)));
        expect(stored.filter((token) => token?.usedAt === null)).toHaveLength(1);
      });

      it('findActiveOneTimeToken returns the unused, unexpired token of the user for the purpose, or null', async () => {
        const user = await newUser();
        const token = oneTimeTokenRecord(user.id, { purpose: 'password-reset', expiresAt: at(3_600_000) });
        await store().createOneTimeToken(token);
        expect(await store().findActiveOneTimeToken(user.id, 'password-reset', at(0))).toEqual(token);
        expect(await store().findActiveOneTimeToken(user.id, 'email-verification', at(0))).toBeNull();
        expect(await store().findActiveOneTimeToken(uniqueId(), 'password-reset', at(0))).toBeNull();
        // Expired at expiresAt exactly.
        expect(await store().findActiveOneTimeToken(user.id, 'password-reset', at(3_600_000))).toBeNull();
        await store().consumeOneTimeToken(token.hash, 'password-reset', at(1));
        expect(await store().findActiveOneTimeToken(user.id, 'password-reset', at(2))).toBeNull();
      });

      it('consumeOneTimeToken returns the record as it was before, and marks it used at now', async () => {
        const user = await newUser();
        const code = await newCode(user.id, { data: 'payload' });
        expect(await store().consumeOneTimeToken(code.hash, 'email-verification-code', at(100))).toEqual(code);
        expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, usedAt: at(100) });
        expect(await store().consumeOneTimeToken(code.hash, 'email-verification-code', at(200))).toBeNull();
      });

      it('releaseOneTimeToken gives back a token consumed at exactly the given time, and nothing else', async () => {
        const user = await newUser();
        const token = oneTimeTokenRecord(user.id, { purpose: 'password-reset' });
        await store().createOneTimeToken(token);
        expect(await store().releaseOneTimeToken(token.hash, at(100))).toBe(false);
        await store().consumeOneTimeToken(token.hash, 'password-reset', at(100));
        expect(await store().releaseOneTimeToken(token.hash, at(101))).toBe(false);
        expect(await store().releaseOneTimeToken('unknown-hash', at(100))).toBe(false);
        expect(await store().releaseOneTimeToken(token.hash, at(100))).toBe(true);
        expect(await store().findOneTimeToken(token.hash)).toEqual(token);
        expect(await store().releaseOneTimeToken(token.hash, at(100))).toBe(false);
        // usable again: consumed once more by exactly one caller
        expect(await store().consumeOneTimeToken(token.hash, 'password-reset', at(200))).toEqual(token);
      });

      it('consumeOneTimeToken refuses another purpose, an unknown hash and a voided token, changing nothing', async () => {
        const user = await newUser();
        const token = oneTimeTokenRecord(user.id, { purpose: 'password-reset' });
        await store().createOneTimeToken(token);
        expect(await store().consumeOneTimeToken(token.hash, 'email-verification', at(1))).toBeNull();
        expect(await store().findOneTimeToken(token.hash)).toEqual(token);
        expect(await store().consumeOneTimeToken(uniqueHash(), 'password-reset', at(1))).toBeNull();
        await store().voidOneTimeTokens(user.id, ['password-reset'], at(2));
        expect(await store().consumeOneTimeToken(token.hash, 'password-reset', at(3))).toBeNull();
      });

      it('consumeOneTimeToken refuses a token whose expiresAt <= now, and accepts it one millisecond before', async () => {
        const user = await newUser();
        const atExpiry = oneTimeTokenRecord(user.id, { purpose: 'password-reset', expiresAt: at(5_000) });
        await store().createOneTimeToken(atExpiry);
        expect(await store().consumeOneTimeToken(atExpiry.hash, 'password-reset', at(5_000))).toBeNull();
        expect(await store().consumeOneTimeToken(atExpiry.hash, 'password-reset', at(5_001))).toBeNull();
        expect(await store().findOneTimeToken(atExpiry.hash)).toEqual(atExpiry);
        expect(await store().consumeOneTimeToken(atExpiry.hash, 'password-reset', at(4_999))).toEqual(atExpiry);
      });

      it(`of ${CONSUMERS} concurrent consumeOneTimeToken calls for one token, exactly one gets the record`, async () => {
        const user = await newUser();
        const token = oneTimeTokenRecord(user.id);
        await store().createOneTimeToken(token);
        const results = await Promise.all(Array.from({ length: CONSUMERS }, (_, index) => store().consumeOneTimeToken(token.hash, token.purpose, at(index))));
        const winners = results.filter((result) => result !== null);
        expect(winners).toEqual([token]);
        expect((await store().findOneTimeToken(token.hash))?.usedAt).toEqual(at(results.findIndex((result) => result !== null)));
      });

      it('voidOneTimeTokens voids the unused tokens of the user for the given purposes and counts them', async () => {
        const user = await newUser();
        const other = await newUser();
        const reset = oneTimeTokenRecord(user.id, { purpose: 'password-reset' });
        const link = oneTimeTokenRecord(user.id, { purpose: 'email-verification' });
        const code = oneTimeTokenRecord(user.id, { purpose: 'email-verification-code', attemptsLeft: 5 });
        const consumed = oneTimeTokenRecord(user.id, { purpose: 'email-change' });
        const stranger = oneTimeTokenRecord(other.id, { purpose: 'email-verification' });
        for (const token of [reset, link, code, consumed, stranger]) await store().createOneTimeToken(token);
        await store().consumeOneTimeToken(consumed.hash, 'email-change', at(1));

        const count = await store().voidOneTimeTokens(user.id, ['email-verification', 'email-verification-code', 'email-change'], at(2));

        expect(count).toBe(2);
        expect(await store().findOneTimeToken(link.hash)).toEqual({ ...link, usedAt: at(2) });
        expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, usedAt: at(2) });
        expect((await store().findOneTimeToken(consumed.hash))?.usedAt).toEqual(at(1));
        expect(await store().findOneTimeToken(reset.hash)).toEqual(reset);
        expect(await store().findOneTimeToken(stranger.hash)).toEqual(stranger);
        expect(await store().voidOneTimeTokens(user.id, ['email-verification'], at(3))).toBe(0);
        expect(await store().voidOneTimeTokens(user.id, [], at(3))).toBe(0);
        expect(await store().findOneTimeToken(reset.hash)).toEqual(reset);
      });
    });

    describeOneTimeCodes(store);
  });
}
