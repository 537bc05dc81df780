import { describe, expect, it } from 'vitest';
import { at, oneTimeTokenRecord, uniqueHash } from '../fixtures.js';
import { CONSUMERS, REGISTRANTS, seeds, type StoreGetter, type UserIds } from './support.js';

/** Registers the tests of single-use tokens: issuing voids the older ones, consume, release and void, one winner under concurrency. */
export function describeOneTimeTokens(store: StoreGetter, ids: UserIds): void {
  const { newUser, newCode } = seeds(store, ids);

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
      expect(await store().findActiveOneTimeToken(ids.unknown(), 'password-reset', at(0))).toBeNull();
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
}
