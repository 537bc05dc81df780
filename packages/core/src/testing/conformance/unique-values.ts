import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import { AuthError } from '../../errors.js';
import type { UniqueValue, UserRecord } from '../../ports/store.js';
import { at, userRecord } from '../fixtures.js';
import { REGISTRANTS, expectEmailTaken, rejection, type StoreGetter, type UserIds } from './support.js';

/** A value of the `username` field that no other test uses. */
function username(prefix = 'user'): UniqueValue {
  return { field: 'username', value: `${prefix}-${randomUUID()}` };
}

function expectTaken(error: unknown, field: string): void {
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('VALIDATION_FAILED');
  expect((error as AuthError).fields).toEqual([{ field, code: 'taken', message: expect.any(String) }]);
}

/**
 * Registers the tests of unique profile values: the `unique` option of `createUser` and
 * `updateUser`, and `deleteUser` freeing them. Skipped for a store that does not set
 * `enforcesUniqueValues: true` (Gatehouse then refuses `uniqueProfileFields` with it).
 */
export function describeUniqueValues(store: StoreGetter, ids: UserIds): void {
  function requireSupport(context: TestContext): void {
    if (store().enforcesUniqueValues !== true) context.skip('the store does not set enforcesUniqueValues: true');
  }

  /** `createUser(user, { unique })` with an id of the suite's kind: the user as stored. */
  async function create(user: UserRecord, unique: readonly UniqueValue[]): Promise<UserRecord> {
    if (ids.kind === 'string') {
      await store().createUser(user, { unique });
      return user;
    }
    const id = await store().createUser({ ...user, id: null }, { unique });
    if (typeof id !== 'number') throw new Error(`createUser({ id: null }) must return the id it assigned; it returned ${String(id)}.`);
    return { ...user, id };
  }

  async function newUser(unique: readonly UniqueValue[], overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
    return create(userRecord(overrides), unique);
  }

  /** Whether another user holds `value`: a probe user tries to claim it, and is deleted again. */
  async function held(value: UniqueValue): Promise<boolean> {
    let probe: UserRecord;
    try {
      probe = await newUser([value]);
    } catch (error) {
      expectTaken(error, value.field);
      return true;
    }
    expect(await store().deleteUser(probe.id)).toBe(true);
    return false;
  }

  describe('unique profile values (the unique option of createUser and updateUser)', () => {
    it('createUser claims its values: a second user with one of them is refused with VALIDATION_FAILED (taken) on that field, and not created', async (context) => {
      requireSupport(context);
      const value = username();
      const first = await newUser([value]);
      const second = userRecord();
      expectTaken(await rejection(create(second, [value])), 'username');
      expect(await store().findUserByEmail(second.email)).toBeNull();
      expect(await store().findUserById(first.id)).toEqual(first);
    });

    it('compares values exactly as given (core normalizes them): another case, another accent or another field is another value', async (context) => {
      requireSupport(context);
      const suffix = randomUUID();
      await newUser([{ field: 'username', value: `ada-${suffix}` }, { field: 'handle', value: `muller-${suffix}` }]);
      await newUser([{ field: 'username', value: `Ada-${suffix}` }]);
      await newUser([{ field: 'username', value: `müller-${suffix}` }]);
      await newUser([{ field: 'handle', value: `ada-${suffix}` }]);
      expect(await held({ field: 'username', value: `ada-${suffix}` })).toBe(true);
      expect(await held({ field: 'username', value: `ADA-${suffix}` })).toBe(false);
    });

    it('judges the values before the email: with both taken it is refused as taken; with only the email taken it is EMAIL_TAKEN and claims nothing', async (context) => {
      requireSupport(context);
      const value = username();
      const owner = await newUser([value]);
      expectTaken(await rejection(create(userRecord({ email: owner.email }), [value])), 'username');
      const free = username('free');
      expectEmailTaken(await rejection(create(userRecord({ email: owner.email }), [free])));
      expect(await held(free)).toBe(false);
    });

    it('createUser with several values claims none of them when one is taken, and names the taken field', async (context) => {
      requireSupport(context);
      const handle = { field: 'handle', value: `handle-${randomUUID()}` };
      await newUser([handle]);
      const free = username('free');
      expectTaken(await rejection(create(userRecord(), [free, handle])), 'handle');
      expect(await held(free)).toBe(false);
    });

    it('updateUser with unique replaces the values, with the patch: the new ones are held, the dropped ones free again', async (context) => {
      requireSupport(context);
      const old = username('old');
      const kept = { field: 'handle', value: `handle-${randomUUID()}` };
      const user = await newUser([old, kept]);
      const next = username('new');
      const patch = { profile: { username: next.value }, updatedAt: at(10) };
      expect(await store().updateUser(user.id, patch, { unique: [next, kept] })).toEqual({ ...user, ...patch });
      expect(await held(next)).toBe(true);
      expect(await held(kept)).toBe(true);
      expect(await held(old)).toBe(false);
    });

    it('updateUser with the values the user already holds applies: a user never conflicts with itself', async (context) => {
      requireSupport(context);
      const value = username();
      const user = await newUser([value]);
      const patch = { profile: { firstName: 'Grace' }, updatedAt: at(10) };
      expect(await store().updateUser(user.id, patch, { unique: [value] })).toEqual({ ...user, ...patch });
      expect(await held(value)).toBe(true);
    });

    it("updateUser refuses a value another user holds: taken, the patch is not applied and the user keeps its values", async (context) => {
      requireSupport(context);
      const mine = username('mine');
      const theirs = username('theirs');
      const user = await newUser([mine]);
      const other = await newUser([theirs]);
      const error = await rejection(store().updateUser(user.id, { profile: { username: theirs.value }, updatedAt: at(10) }, { unique: [theirs] }));
      expectTaken(error, 'username');
      expect(await store().findUserById(user.id)).toEqual(user);
      expect(await store().findUserById(other.id)).toEqual(other);
      expect(await held(mine)).toBe(true);
    });

    it('updateUser without unique leaves the values as they are; with unique: [] frees them all', async (context) => {
      requireSupport(context);
      const value = username();
      const user = await newUser([value]);
      await store().updateUser(user.id, { lastLoginAt: at(5), updatedAt: at(5) });
      await store().updateUser(user.id, { status: 'active', updatedAt: at(6) }, { expect: { status: 'pending' } });
      expect(await held(value)).toBe(true);
      await store().updateUser(user.id, { profile: {}, updatedAt: at(7) }, { unique: [] });
      expect(await held(value)).toBe(false);
    });

    it('updateUser with unique returns null and claims nothing when the expectations fail or the user is unknown', async (context) => {
      requireSupport(context);
      const user = await newUser([username()], { status: 'disabled' });
      const wanted = username('wanted');
      expect(await store().updateUser(user.id, { status: 'active', updatedAt: at(10) }, { expect: { status: 'pending' }, unique: [wanted] })).toBeNull();
      expect(await store().updateUser(ids.unknown(), { status: 'active', updatedAt: at(10) }, { unique: [wanted] })).toBeNull();
      expect(await held(wanted)).toBe(false);
      expect(await store().findUserById(user.id)).toEqual(user);
    });

    it("deleteUser frees the user's values", async (context) => {
      requireSupport(context);
      const value = username();
      const user = await newUser([value]);
      expect(await store().deleteUser(user.id)).toBe(true);
      expect(await held(value)).toBe(false);
    });

    it(`of ${REGISTRANTS} concurrent createUser calls with one value, exactly one succeeds and the others are refused (taken) and not created`, async (context) => {
      requireSupport(context);
      const value = username();
      const candidates = Array.from({ length: REGISTRANTS }, () => userRecord());
      const results = await Promise.allSettled(candidates.map((candidate) => create(candidate, [value])));
      const winners = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect(winners).toHaveLength(1);
      for (const [index, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        expectTaken(result.reason, 'username');
        expect(await store().findUserByEmail(candidates[index]?.email ?? '')).toBeNull();
      }
      const winner = winners[0];
      if (winner === undefined) throw new Error('no winner');
      expect((await store().findUserByEmail(winner.email))?.id).toEqual(winner.id);
      expect(await held(value)).toBe(true);
      expect(await store().deleteUser(winner.id)).toBe(true);
      expect(await held(value)).toBe(false);
    });

    it(`of ${REGISTRANTS} concurrent updateUser calls of different users to one value, exactly one applies`, async (context) => {
      requireSupport(context);
      const value = username();
      const racers = await Promise.all(Array.from({ length: REGISTRANTS }, () => newUser([username('racer')])));
      const results = await Promise.allSettled(
        racers.map((racer) => store().updateUser(racer.id, { profile: { username: value.value }, updatedAt: at(20) }, { unique: [value] })),
      );
      const applied = results.flatMap((result, index) => (result.status === 'fulfilled' && result.value !== null ? [racers[index]] : []));
      expect(applied).toHaveLength(1);
      for (const [index, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        expectTaken(result.reason, 'username');
        expect(await store().findUserById(racers[index]?.id ?? '')).toEqual(racers[index]);
      }
      expect((await store().findUserById(applied[0]?.id ?? ''))?.profile).toEqual({ username: value.value });
    });
  });
}
