import { describe, expect, it } from 'vitest';
import { at, oneTimeTokenRecord, userRecord } from '../fixtures.js';
import { REGISTRANTS, seeds, type StoreGetter, type UserIds } from './support.js';

/**
 * Registers the tests of the store's user ids: the kind it declares, and for a store that
 * assigns integer ids, that they are positive, unique, increasing, never reused, carried back as
 * numbers by every record, and found by every lookup.
 */
export function describeUserIds(store: StoreGetter, ids: UserIds): void {
  const { newUser, newSession } = seeds(store, ids);

  describe(`user ids (${ids.kind})`, () => {
    it(`lists '${ids.kind}' in userIdKinds (omitted means ['string'])`, () => {
      expect(store().userIdKinds ?? ['string']).toContain(ids.kind);
    });

    if (ids.kind === 'string') {
      it('createUser keeps the id it is given, and returns it or nothing', async () => {
        const user = userRecord();
        const returned = await store().createUser(user);
        expect(returned === undefined || returned === user.id).toBe(true);
        expect((await store().findUserById(user.id))?.id).toBe(user.id);
      });
      return;
    }

    it('createUser with id null returns the id it assigned, and the user is stored under it as a number', async () => {
      const user = userRecord();
      const id = await store().createUser({ ...user, id: null });
      expect(typeof id).toBe('number');
      expect(Number.isSafeInteger(id) && (id as number) > 0).toBe(true);
      const found = await store().findUserById(id as number);
      expect(found).toEqual({ ...user, id });
      expect(typeof found?.id).toBe('number');
      expect((await store().findUserByEmail(user.email))?.id).toBe(id);
    });

    it('assigns unique ids that increase with each user', async () => {
      const created: number[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await newUser()).id as number);
      for (let i = 1; i < created.length; i += 1) expect(created[i]).toBeGreaterThan(created[i - 1] as number);
    });

    it('never gives the id of a deleted user to a new one', async () => {
      const deleted = await newUser();
      expect(await store().deleteUser(deleted.id)).toBe(true);
      const next = await newUser();
      expect(next.id).toBeGreaterThan(deleted.id as number);
      expect(await store().findUserById(deleted.id)).toBeNull();
    });

    it(`of ${REGISTRANTS} concurrent createUser calls with different emails, each gets its own id and finds its own user`, async () => {
      const users = await Promise.all(Array.from({ length: REGISTRANTS }, () => newUser()));
      expect(new Set(users.map((user) => user.id)).size).toBe(REGISTRANTS);
      for (const user of users) expect(await store().findUserById(user.id)).toEqual(user);
    });

    it('carries the numeric id in every record and finds sessions and tokens by it', async () => {
      const user = await newUser();
      const { session, token } = await newSession(user.id);
      const found = await store().findSession(session.id);
      expect(found?.session.userId).toBe(user.id);
      expect(found?.user.id).toBe(user.id);
      expect((await store().findRefreshToken(token.hash))?.user.id).toBe(user.id);
      expect((await store().listSessions(user.id)).map((listed) => listed.userId)).toEqual([user.id]);

      const link = oneTimeTokenRecord(user.id, { purpose: 'password-reset' });
      await store().createOneTimeToken(link);
      expect((await store().findOneTimeToken(link.hash))?.userId).toBe(user.id);
      expect((await store().findActiveOneTimeToken(user.id, 'password-reset', at(1)))?.userId).toBe(user.id);
      expect((await store().consumeOneTimeToken(link.hash, 'password-reset', at(1)))?.userId).toBe(user.id);

      expect(await store().revokeUserSessions(user.id, { now: at(2), reason: 'logout_all' })).toBe(1);
      expect((await store().updateUser(user.id, { role: 'admin', updatedAt: at(3) }))?.id).toBe(user.id);
    });
  });
}
