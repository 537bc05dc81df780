import { describe, expect, it } from 'vitest';
import { at, instant, refreshTokenRecord, uniqueEmail, userRecord } from '../fixtures.js';
import { REGISTRANTS, expectEmailTaken, rejection, seeds, type StoreGetter, type UserIds } from './support.js';

/** Registers the tests of the user methods: lookups, email uniqueness, `updateUser` without conditions and `deleteUser`. */
export function describeUsers(store: StoreGetter, ids: UserIds): void {
  const { newUser, newSession, newCode } = seeds(store, ids);

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
      expect(await store().findUserById(ids.unknown())).toBeNull();
      expect(await store().findUserByEmail(uniqueEmail())).toBeNull();
    });

    it('finds a user by email compared case-insensitively', async () => {
      const user = await newUser();
      expect((await store().findUserByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
    });

    it('createUser throws AuthError EMAIL_TAKEN for an email already used, in any case, and keeps the first user', async () => {
      const user = await newUser();
      expectEmailTaken(await rejection(ids.create(store(), userRecord({ email: user.email }))));
      expectEmailTaken(await rejection(ids.create(store(), userRecord({ email: user.email.toUpperCase() }))));
      expect(await store().findUserByEmail(user.email)).toEqual(user);
    });

    it(`of ${REGISTRANTS} concurrent createUser calls with one email, exactly one succeeds and the others throw EMAIL_TAKEN`, async () => {
      const email = uniqueEmail();
      const candidates = Array.from({ length: REGISTRANTS }, () => userRecord({ email }));
      const results = await Promise.allSettled(candidates.map((candidate) => ids.create(store(), candidate)));
      const winners = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
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
      await ids.create(store(), userRecord({ email: user.email }));
    });

    it('updateUser returns null for an unknown user', async () => {
      expect(await store().updateUser(ids.unknown(), { role: 'admin', updatedAt: at(1) })).toBeNull();
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
      expect(await store().deleteUser(ids.unknown())).toBe(false);
    });
  });
}
