import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../ports/store.js';
import { at, uniqueEmail, userRecord } from '../fixtures.js';
import { expectEmailTaken, rejection } from './support.js';
import type { StoreGetter, UserIds } from './support.js';

/** Parallel conditional updates in the race test. */
const RACERS = 10;

/** A second hash, as a password reset would leave it. */
const OTHER_HASH = '$argon2id$v=19$m=19456,t=2,p=1$b3RoZXJzYWx0b3RoZXJzYWx0$b3RoZXJoYXNob3RoZXJoYXNob3RoZXJoYXNob3RoZQ';

/**
 * Registers the tests of `updateUser` with `options.expect`: the compare-and-set that keeps a
 * change decided on a read (pending → active, a rehash) from overwriting one made meanwhile.
 */
export function describeUserUpdates(store: StoreGetter, ids: UserIds): void {
  describe('conditional user updates (updateUser with expect)', () => {
    async function newUser(overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
      return ids.create(store(), userRecord(overrides));
    }

    it('applies the patch and returns the updated record when the stored user has every expected value', async () => {
      const user = await newUser({ status: 'pending' });
      const patch = { status: 'active' as const, emailVerifiedAt: at(10), updatedAt: at(10) };
      const updated = await store().updateUser(user.id, patch, {
        expect: { status: 'pending', passwordHash: user.passwordHash, email: user.email },
      });
      expect(updated).toEqual({ ...user, ...patch });
      expect(await store().findUserById(user.id)).toEqual({ ...user, ...patch });
    });

    it('returns null and changes nothing when the status differs', async () => {
      const user = await newUser({ status: 'disabled' });
      const patch = { status: 'active' as const, profile: { firstName: 'Changed' }, updatedAt: at(10) };
      expect(await store().updateUser(user.id, patch, { expect: { status: 'pending' } })).toBeNull();
      expect(await store().findUserById(user.id)).toEqual(user);
    });

    it('returns null and changes nothing when the passwordHash differs, compared exactly', async () => {
      const user = await newUser();
      const stored = user.passwordHash ?? '';
      const patch = { passwordHash: OTHER_HASH, updatedAt: at(10) };
      expect(await store().updateUser(user.id, patch, { expect: { passwordHash: OTHER_HASH } })).toBeNull();
      expect(await store().updateUser(user.id, patch, { expect: { passwordHash: stored.toUpperCase() } })).toBeNull();
      expect(await store().updateUser(user.id, patch, { expect: { passwordHash: null } })).toBeNull();
      expect(await store().findUserById(user.id)).toEqual(user);
      // The stored hash itself still matches.
      expect(await store().updateUser(user.id, patch, { expect: { passwordHash: stored } })).toEqual({ ...user, ...patch });
    });

    it('expects passwordHash null: applies to an account without a password only', async () => {
      const without = await newUser({ passwordHash: null });
      const patch = { passwordHash: OTHER_HASH, updatedAt: at(10) };
      expect(await store().updateUser(without.id, patch, { expect: { passwordHash: null } })).toEqual({ ...without, ...patch });
      expect(await store().findUserById(without.id)).toEqual({ ...without, ...patch });
      // Now it has one: the same expectation no longer holds.
      expect(await store().updateUser(without.id, { passwordHash: null, updatedAt: at(20) }, { expect: { passwordHash: null } })).toBeNull();
      expect(await store().findUserById(without.id)).toEqual({ ...without, ...patch });
    });

    it('compares the expected email case-insensitively, and returns null for another email', async () => {
      const user = await newUser();
      const other = uniqueEmail();
      expect(await store().updateUser(user.id, { role: 'admin', updatedAt: at(10) }, { expect: { email: other } })).toBeNull();
      expect(await store().findUserById(user.id)).toEqual(user);
      const updated = await store().updateUser(user.id, { role: 'admin', updatedAt: at(10) }, { expect: { email: user.email.toUpperCase() } });
      expect(updated).toEqual({ ...user, role: 'admin', updatedAt: at(10) });
    });

    it('returns null when any one of several expectations fails', async () => {
      const user = await newUser({ status: 'pending' });
      const patch = { status: 'active' as const, updatedAt: at(10) };
      expect(await store().updateUser(user.id, patch, { expect: { status: 'pending', passwordHash: user.passwordHash, email: uniqueEmail() } })).toBeNull();
      expect(await store().updateUser(user.id, patch, { expect: { status: 'pending', passwordHash: OTHER_HASH, email: user.email } })).toBeNull();
      expect(await store().updateUser(user.id, patch, { expect: { status: 'active', passwordHash: user.passwordHash, email: user.email } })).toBeNull();
      expect(await store().findUserById(user.id)).toEqual(user);
    });

    it('returns null for an unknown user; an empty expectation behaves like none', async () => {
      expect(await store().updateUser(ids.unknown(), { role: 'admin', updatedAt: at(1) }, { expect: { status: 'pending' } })).toBeNull();
      const user = await newUser();
      expect(await store().updateUser(user.id, { role: 'admin', updatedAt: at(1) }, { expect: {} })).toEqual({ ...user, role: 'admin', updatedAt: at(1) });
    });

    it('still throws EMAIL_TAKEN for a taken new email when the expectations hold, and changes nothing', async () => {
      const first = await newUser();
      const second = await newUser({ status: 'pending' });
      const error = await rejection(
        store().updateUser(second.id, { email: first.email.toUpperCase(), status: 'active', updatedAt: at(1) }, { expect: { status: 'pending' } }),
      );
      expectEmailTaken(error);
      expect(await store().findUserById(second.id)).toEqual(second);
      expect(await store().findUserById(first.id)).toEqual(first);
    });

    it(`of ${RACERS} concurrent pending → active updates that expect pending, exactly one applies and its profile is the one stored`, async () => {
      const user = await newUser({ status: 'pending' });
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, index) =>
          store().updateUser(user.id, { status: 'active', profile: { winner: index }, updatedAt: at(100 + index) }, { expect: { status: 'pending' } }),
        ),
      );
      const winners = results.flatMap((result, index) => (result === null ? [] : [index]));
      expect(winners).toHaveLength(1);
      const winner = winners[0] ?? -1;
      const expected = { ...user, status: 'active', profile: { winner }, updatedAt: at(100 + winner) };
      expect(results[winner]).toEqual(expected);
      expect(await store().findUserById(user.id)).toEqual(expected);
    });
  });
}
