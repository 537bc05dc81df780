import { describe, expect, it } from 'vitest';
import { at, refreshTokenRecord, uniqueHash } from '../fixtures.js';
import { CONSUMERS, seeds, type StoreGetter, type UserIds } from './support.js';

/** Registers the tests of refresh-token lookup and rotation, one winner under concurrency included. */
export function describeRefreshTokens(store: StoreGetter, ids: UserIds): void {
  const { newUser, newSession } = seeds(store, ids);

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
}
