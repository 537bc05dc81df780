import { describe, expect, it } from 'vitest';
import { at, instant, refreshTokenRecord, sessionRecord, uniqueId } from '../fixtures.js';
import { seeds, type StoreGetter, type UserIds } from './support.js';

/** Registers the tests of the session methods: lookup, listing, revocation. */
export function describeSessions(store: StoreGetter, ids: UserIds): void {
  const { newUser, newSession } = seeds(store, ids);

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
      expect(await store().listSessions(ids.unknown())).toEqual([]);
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
}
