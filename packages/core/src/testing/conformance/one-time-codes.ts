import { describe, expect, it } from 'vitest';
import type { OneTimeCodeCheck, OneTimeTokenPurpose, OneTimeTokenRecord, UserId, UserRecord } from '../../ports/store.js';
import { at, oneTimeTokenRecord, uniqueHash, userRecord } from '../fixtures.js';
import type { StoreGetter, UserIds } from './support.js';

/** Tries of the codes in the race tests. */
const TRIES = 5;
/** Parallel checks per round in the mixed race: one right guess among wrong ones. */
const GUESSERS = 10;
/** Where the right guess sits among the parallel calls, one round each: first, middle and last. */
const RIGHT_GUESS_POSITIONS = [0, 2, 4, 5, 7, 9];
/** Parallel checks of the right code. */
const CONSUMERS = 20;

const CODE_PURPOSE: OneTimeTokenPurpose = 'email-verification-code';

/**
 * Registers the tests of `checkOneTimeCode`: a short code is judged against the user's newest
 * usable code only, consumed once, and its tries are counted exactly under any concurrency.
 */
export function describeOneTimeCodes(store: StoreGetter, ids: UserIds): void {
  describe('one-time codes (checkOneTimeCode)', () => {
    async function newUser(): Promise<UserRecord> {
      return ids.create(store(), userRecord());
    }

    async function newCode(userId: UserId, overrides: Partial<OneTimeTokenRecord> = {}): Promise<OneTimeTokenRecord> {
      const code = oneTimeTokenRecord(userId, { purpose: CODE_PURPOSE, attemptsLeft: TRIES, expiresAt: at(600_000), ...overrides });
      await store().createOneTimeToken(code);
      return code;
    }

    /** Checks `hash` against the codes of the code's own user and purpose. */
    function check(code: OneTimeTokenRecord, hash: string, now: Date): Promise<OneTimeCodeCheck> {
      return store().checkOneTimeCode({ userId: code.userId, purpose: code.purpose, hash, now });
    }

    function count(results: readonly OneTimeCodeCheck[], outcome: OneTimeCodeCheck['outcome']): number {
      return results.filter((result) => result.outcome === outcome).length;
    }

    it('consumes the right code: returns it as it was before, marks it used at now, and then answers none', async () => {
      const user = await newUser();
      const code = await newCode(user.id, { data: 'payload' });
      expect(await check(code, code.hash, at(100))).toEqual({ outcome: 'consumed', record: code });
      expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, usedAt: at(100) });
      expect(await check(code, code.hash, at(200))).toEqual({ outcome: 'none' });
      expect(await check(code, uniqueHash(), at(200))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, usedAt: at(100) });
    });

    it('counts a wrong code: one try less, the code stays usable, and the right code still works', async () => {
      const user = await newUser();
      const code = await newCode(user.id, { attemptsLeft: 3 });
      expect(await check(code, uniqueHash(), at(1))).toEqual({ outcome: 'wrong', attemptsLeft: 2 });
      expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, attemptsLeft: 2 });
      expect(await check(code, code.hash, at(2))).toEqual({ outcome: 'consumed', record: { ...code, attemptsLeft: 2 } });
      expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, attemptsLeft: 2, usedAt: at(2) });
    });

    it('answers none when the user has no code for the purpose', async () => {
      const user = await newUser();
      expect(await store().checkOneTimeCode({ userId: user.id, purpose: CODE_PURPOSE, hash: uniqueHash(), now: at(1) })).toEqual({ outcome: 'none' });
      expect(await store().checkOneTimeCode({ userId: ids.unknown(), purpose: CODE_PURPOSE, hash: uniqueHash(), now: at(1) })).toEqual({ outcome: 'none' });
    });

    it('counts down to zero, voids the code at the last wrong try, then refuses even the right code', async () => {
      const user = await newUser();
      const code = await newCode(user.id, { attemptsLeft: 3 });
      expect(await check(code, uniqueHash(), at(1))).toEqual({ outcome: 'wrong', attemptsLeft: 2 });
      expect(await check(code, uniqueHash(), at(2))).toEqual({ outcome: 'wrong', attemptsLeft: 1 });
      expect(await check(code, uniqueHash(), at(3))).toEqual({ outcome: 'wrong', attemptsLeft: 0 });
      const spent = { ...code, attemptsLeft: 0, usedAt: at(3) };
      expect(await store().findOneTimeToken(code.hash)).toEqual(spent);
      expect(await check(code, code.hash, at(4))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(code.hash)).toEqual(spent);
      expect(await store().consumeOneTimeToken(code.hash, code.purpose, at(5))).toBeNull();
    });

    it('never judges an expired code (expiresAt <= now), and judges it one millisecond before', async () => {
      const user = await newUser();
      const code = await newCode(user.id, { expiresAt: at(5_000) });
      expect(await check(code, code.hash, at(5_000))).toEqual({ outcome: 'none' });
      expect(await check(code, uniqueHash(), at(5_001))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(code.hash)).toEqual(code);
      expect(await check(code, uniqueHash(), at(4_999))).toEqual({ outcome: 'wrong', attemptsLeft: TRIES - 1 });
    });

    it('never judges a used or voided code, nor a code without tries left', async () => {
      const user = await newUser();
      const consumed = await newCode(user.id, { purpose: 'email-change-code' });
      await store().consumeOneTimeToken(consumed.hash, consumed.purpose, at(1));
      expect(await check(consumed, consumed.hash, at(2))).toEqual({ outcome: 'none' });
      expect(await check(consumed, uniqueHash(), at(2))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(consumed.hash)).toEqual({ ...consumed, usedAt: at(1) });

      const voided = await newCode(user.id);
      await store().voidOneTimeTokens(user.id, [CODE_PURPOSE], at(1));
      expect(await check(voided, voided.hash, at(2))).toEqual({ outcome: 'none' });
      expect(await check(voided, uniqueHash(), at(2))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(voided.hash)).toEqual({ ...voided, usedAt: at(1) });

      const other = await newUser();
      const noTries = await newCode(other.id, { attemptsLeft: 0 });
      expect(await check(noTries, noTries.hash, at(2))).toEqual({ outcome: 'none' });
      expect(await check(noTries, uniqueHash(), at(2))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(noTries.hash)).toEqual(noTries);
    });

    it('never judges a link (attemptsLeft null): links cannot be guessed, so they have no tries', async () => {
      const user = await newUser();
      const link = oneTimeTokenRecord(user.id, { purpose: 'password-reset', attemptsLeft: null, expiresAt: at(600_000) });
      await store().createOneTimeToken(link);
      expect(await check(link, link.hash, at(1))).toEqual({ outcome: 'none' });
      expect(await check(link, uniqueHash(), at(1))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(link.hash)).toEqual(link);
    });

    it("judges only the user's own code for the purpose: other purposes and other users' codes are untouched", async () => {
      const user = await newUser();
      const other = await newUser();
      const code = await newCode(user.id);
      const otherPurpose = await newCode(user.id, { purpose: 'email-change-code' });
      const otherUsers = await newCode(other.id);

      // The right hash, but asked for another user or another purpose: not that code.
      expect(await store().checkOneTimeCode({ userId: other.id, purpose: CODE_PURPOSE, hash: code.hash, now: at(1) })).toEqual({
        outcome: 'wrong',
        attemptsLeft: TRIES - 1,
      });
      expect(await store().checkOneTimeCode({ userId: user.id, purpose: 'password-reset', hash: code.hash, now: at(1) })).toEqual({ outcome: 'none' });
      expect(await store().checkOneTimeCode({ userId: user.id, purpose: 'email-change-code', hash: code.hash, now: at(1) })).toEqual({
        outcome: 'wrong',
        attemptsLeft: TRIES - 1,
      });
      expect(await store().findOneTimeToken(code.hash)).toEqual(code);
      expect(await store().findOneTimeToken(otherUsers.hash)).toEqual({ ...otherUsers, attemptsLeft: TRIES - 1 });
      expect(await store().findOneTimeToken(otherPurpose.hash)).toEqual({ ...otherPurpose, attemptsLeft: TRIES - 1 });
      expect(await check(code, code.hash, at(2))).toEqual({ outcome: 'consumed', record: code });
    });

    it("never judges an older, voided code: its hash is a wrong try on the newest one", async () => {
      const user = await newUser();
      const older = await newCode(user.id, { createdAt: at(-2_000) });
      const newest = await newCode(user.id, { createdAt: at(-1_000) });
      expect(await check(older, older.hash, at(1))).toEqual({ outcome: 'wrong', attemptsLeft: TRIES - 1 });
      expect(await store().findOneTimeToken(older.hash)).toEqual({ ...older, usedAt: at(-1_000) });
      expect(await store().findOneTimeToken(newest.hash)).toEqual({ ...newest, attemptsLeft: TRIES - 1 });
    });

    it('of two usable codes, judges only the newest by createdAt, whatever the order they were stored in', async () => {
      const user = await newUser();
      const newest = await newCode(user.id, { createdAt: at(-1_000) });
      // Storing the older one voids the newest; giving it back leaves both usable.
      const older = await newCode(user.id, { createdAt: at(-2_000) });
      expect(await store().releaseOneTimeToken(newest.hash, at(-2_000))).toBe(true);
      expect(await store().findOneTimeToken(newest.hash)).toEqual(newest);

      expect(await check(older, older.hash, at(1))).toEqual({ outcome: 'wrong', attemptsLeft: TRIES - 1 });
      expect(await store().findOneTimeToken(older.hash)).toEqual(older);
      expect(await check(newest, newest.hash, at(2))).toEqual({ outcome: 'consumed', record: { ...newest, attemptsLeft: TRIES - 1 } });
      expect(await store().findOneTimeToken(older.hash)).toEqual(older);
    });

    it(`is exact under concurrency: ${GUESSERS} parallel checks of a ${TRIES}-try code (one right, the rest wrong) judge at most ${TRIES}, consume at most one, and count each try once`, async () => {
      for (const right of RIGHT_GUESS_POSITIONS) {
        const user = await newUser();
        const code = await newCode(user.id, { attemptsLeft: TRIES });
        const results = await Promise.all(
          Array.from({ length: GUESSERS }, (_, index) => check(code, index === right ? code.hash : uniqueHash(), at(index + 1))),
        );
        const consumed = count(results, 'consumed');
        const wrong = count(results, 'wrong');
        const round = { right, consumed, wrong };
        expect(consumed + wrong, `judged in round ${JSON.stringify(round)}`).toBeLessThanOrEqual(TRIES);
        expect(consumed, `consumed in round ${JSON.stringify(round)}`).toBeLessThanOrEqual(1);
        // The right guess is refused only once the wrong ones have spent every try.
        if (consumed === 0) expect(wrong, `wrong tries in round ${JSON.stringify(round)}`).toBe(TRIES);
        // Each wrong try was counted once: the tries left they report are TRIES-1, TRIES-2, … each once.
        const left = results.flatMap((result) => (result.outcome === 'wrong' ? [result.attemptsLeft] : [])).sort((a, b) => b - a);
        expect(left).toEqual(Array.from({ length: wrong }, (_, index) => TRIES - 1 - index));
        const stored = await store().findOneTimeToken(code.hash);
        expect(stored?.attemptsLeft).toBe(TRIES - wrong);
        expect(stored?.usedAt).not.toBeNull();
        if (consumed === 1) expect(stored?.usedAt).toEqual(at(right + 1));
      }
    });

    it(`once ${TRIES} parallel wrong guesses have spent the tries, the right code gets none and does not consume it`, async () => {
      const user = await newUser();
      const code = await newCode(user.id, { attemptsLeft: TRIES });
      const results = await Promise.all(Array.from({ length: TRIES }, (_, index) => check(code, uniqueHash(), at(index + 1))));
      expect(count(results, 'wrong')).toBe(TRIES);
      const spent = await store().findOneTimeToken(code.hash);
      expect(spent?.attemptsLeft).toBe(0);
      expect(spent?.usedAt).not.toBeNull();
      expect(await check(code, code.hash, at(100))).toEqual({ outcome: 'none' });
      expect(await store().findOneTimeToken(code.hash)).toEqual(spent);
    });

    it(`of ${CONSUMERS} parallel checks with the right code, exactly one consumes it and the others get none`, async () => {
      const user = await newUser();
      const code = await newCode(user.id, { attemptsLeft: TRIES });
      const results = await Promise.all(Array.from({ length: CONSUMERS }, (_, index) => check(code, code.hash, at(index + 1))));
      const winners = results.flatMap((result, index) => (result.outcome === 'consumed' ? [index] : []));
      expect(winners).toHaveLength(1);
      expect(count(results, 'none')).toBe(CONSUMERS - 1);
      const winner = winners[0] ?? -1;
      expect(results[winner]).toEqual({ outcome: 'consumed', record: code });
      expect(await store().findOneTimeToken(code.hash)).toEqual({ ...code, usedAt: at(winner + 1) });
    });
  });
}
