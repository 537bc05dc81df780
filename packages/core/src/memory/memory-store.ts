import { AuthError } from '../errors.js';
import type {
  CheckOneTimeCodeInput,
  OneTimeCodeCheck,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RevokeOptions,
  RevokeUserSessionsOptions,
  RotateRefreshTokenInput,
  SessionRecord,
  SessionWithUser,
  Store,
  UpdateUserOptions,
  UserExpectation,
  UserPatch,
  UserRecord,
} from '../ports/store.js';

/**
 * Creates an in-process {@link Store} that keeps everything in `Map`s.
 *
 * It is the reference implementation of the `Store` contracts, for tests, quick starts and
 * single-process tools; data is lost when the process exits. Every method finishes its work
 * without yielding, so each one is atomic in a single Node process.
 *
 * @example
 * ```ts
 * import { createAuth, memoryStore, memoryMailer } from '@gatehouse/core';
 * const auth = createAuth({ store: memoryStore(), mailer: memoryMailer(), secret: 'a'.repeat(32) });
 * ```
 */
export function memoryStore(): Store {
  const users = new Map<string, UserRecord>();
  const userIdByEmail = new Map<string, string>();
  const sessions = new Map<string, SessionRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const oneTimeTokens = new Map<string, OneTimeTokenRecord>();

  function emailKey(email: string): string {
    return email.toLowerCase();
  }

  function sessionWithUser(session: SessionRecord): SessionWithUser | null {
    const user = users.get(session.userId);
    return user ? { session: structuredClone(session), user: structuredClone(user) } : null;
  }

  function newestUsable(userId: string, purpose: OneTimeTokenPurpose, now: Date): OneTimeTokenRecord | undefined {
    let newest: OneTimeTokenRecord | undefined;
    for (const token of oneTimeTokens.values()) {
      if (token.userId !== userId || token.purpose !== purpose || token.usedAt !== null) continue;
      if (token.expiresAt.getTime() <= now.getTime()) continue;
      if (!newest || token.createdAt.getTime() >= newest.createdAt.getTime()) newest = token;
    }
    return newest;
  }

  function meets(user: UserRecord, expect: UserExpectation | undefined): boolean {
    if (!expect) return true;
    if (expect.status !== undefined && user.status !== expect.status) return false;
    if (expect.passwordHash !== undefined && user.passwordHash !== expect.passwordHash) return false;
    if (expect.email !== undefined && emailKey(user.email) !== emailKey(expect.email)) return false;
    return true;
  }

  function revoke(session: SessionRecord, options: RevokeOptions): boolean {
    if (session.revokedAt !== null) return false;
    session.revokedAt = options.now;
    session.revokedReason = options.reason;
    return true;
  }

  return {
    async createUser(user) {
      const key = emailKey(user.email);
      if (userIdByEmail.has(key)) throw new AuthError('EMAIL_TAKEN');
      users.set(user.id, structuredClone(user));
      userIdByEmail.set(key, user.id);
    },

    async findUserById(id) {
      const user = users.get(id);
      return user ? structuredClone(user) : null;
    },

    async findUserByEmail(email) {
      const id = userIdByEmail.get(emailKey(email));
      const user = id === undefined ? undefined : users.get(id);
      return user ? structuredClone(user) : null;
    },

    async updateUser(id: string, patch: UserPatch, options?: UpdateUserOptions) {
      const user = users.get(id);
      if (!user || !meets(user, options?.expect)) return null;
      if (patch.email !== undefined) {
        const newKey = emailKey(patch.email);
        const owner = userIdByEmail.get(newKey);
        if (owner !== undefined && owner !== id) throw new AuthError('EMAIL_TAKEN');
        userIdByEmail.delete(emailKey(user.email));
        userIdByEmail.set(newKey, id);
      }
      const updated: UserRecord = { ...user };
      for (const [field, value] of Object.entries(patch)) {
        if (value !== undefined) (updated as unknown as Record<string, unknown>)[field] = structuredClone(value);
      }
      users.set(id, updated);
      return structuredClone(updated);
    },

    async deleteUser(id) {
      const user = users.get(id);
      if (!user) return false;
      users.delete(id);
      userIdByEmail.delete(emailKey(user.email));
      for (const [sessionId, session] of sessions) {
        if (session.userId !== id) continue;
        sessions.delete(sessionId);
        for (const [hash, token] of refreshTokens) if (token.sessionId === sessionId) refreshTokens.delete(hash);
      }
      for (const [hash, token] of oneTimeTokens) {
        if (token.userId !== id) continue;
        oneTimeTokens.delete(hash);
      }
      return true;
    },

    async createSession(session, firstToken) {
      sessions.set(session.id, structuredClone(session));
      refreshTokens.set(firstToken.hash, structuredClone(firstToken));
    },

    async findSession(id) {
      const session = sessions.get(id);
      return session ? sessionWithUser(session) : null;
    },

    async listSessions(userId) {
      return [...sessions.values()]
        .filter((session) => session.userId === userId && session.revokedAt === null)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((session) => structuredClone(session));
    },

    async findRefreshToken(hash): Promise<RefreshTokenLookup | null> {
      const token = refreshTokens.get(hash);
      const session = token ? sessions.get(token.sessionId) : undefined;
      const found = session ? sessionWithUser(session) : null;
      return token && found ? { token: structuredClone(token), ...found } : null;
    },

    async rotateRefreshToken(input: RotateRefreshTokenInput) {
      const token = refreshTokens.get(input.presentedHash);
      const session = sessions.get(input.sessionId);
      if (!token || !session || token.sessionId !== session.id) return false;
      if (token.usedAt !== null || session.revokedAt !== null) return false;
      token.usedAt = input.now;
      refreshTokens.set(input.next.hash, structuredClone(input.next));
      session.lastUsedAt = input.now;
      return true;
    },

    async revokeSession(sessionId, options) {
      const session = sessions.get(sessionId);
      return session ? revoke(session, options) : false;
    },

    async revokeUserSessions(userId, options: RevokeUserSessionsOptions) {
      let count = 0;
      for (const session of sessions.values()) {
        if (session.userId !== userId || session.id === options.exceptSessionId) continue;
        if (revoke(session, options)) count += 1;
      }
      return count;
    },

    async createOneTimeToken(token) {
      for (const other of oneTimeTokens.values()) {
        if (other.userId === token.userId && other.purpose === token.purpose && other.usedAt === null) {
          other.usedAt = token.createdAt;
        }
      }
      oneTimeTokens.set(token.hash, structuredClone(token));
    },

    async findOneTimeToken(hash) {
      const token = oneTimeTokens.get(hash);
      return token ? structuredClone(token) : null;
    },

    async findActiveOneTimeToken(userId: string, purpose: OneTimeTokenPurpose, now: Date) {
      const newest = newestUsable(userId, purpose, now);
      return newest ? structuredClone(newest) : null;
    },

    async consumeOneTimeToken(hash, purpose, now) {
      const token = oneTimeTokens.get(hash);
      if (!token || token.purpose !== purpose || token.usedAt !== null) return null;
      if (token.expiresAt.getTime() <= now.getTime()) return null;
      const before = structuredClone(token);
      token.usedAt = now;
      return before;
    },

    async releaseOneTimeToken(hash, usedAt) {
      const token = oneTimeTokens.get(hash);
      if (!token || token.usedAt?.getTime() !== usedAt.getTime()) return false;
      token.usedAt = null;
      return true;
    },

    async checkOneTimeCode(input: CheckOneTimeCodeInput): Promise<OneTimeCodeCheck> {
      const code = newestUsable(input.userId, input.purpose, input.now);
      if (!code || code.attemptsLeft === null || code.attemptsLeft <= 0) return { outcome: 'none' };
      if (code.hash === input.hash) {
        const before = structuredClone(code);
        code.usedAt = input.now;
        return { outcome: 'consumed', record: before };
      }
      code.attemptsLeft -= 1;
      if (code.attemptsLeft === 0) code.usedAt = input.now;
      return { outcome: 'wrong', attemptsLeft: code.attemptsLeft };
    },

    async voidOneTimeTokens(userId, purposes, now) {
      let count = 0;
      for (const token of oneTimeTokens.values()) {
        if (token.userId !== userId || token.usedAt !== null || !purposes.includes(token.purpose)) continue;
        token.usedAt = now;
        count += 1;
      }
      return count;
    },
  };
}
