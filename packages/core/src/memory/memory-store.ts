import { AuthError } from '../errors.js';
import { uniqueValueTakenError } from '../unique-values.js';
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
  UniqueValue,
  UpdateUserOptions,
  UserExpectation,
  UserId,
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
 * It keeps the ids Gatehouse gives it, and assigns integer ids 1, 2, 3, … when `createUser`
 * receives `id: null`, so it serves every `userIds` option.
 *
 * @example
 * ```ts
 * import { createAuth, memoryStore, memoryMailer } from '@gatehouse-auth/core';
 * const auth = createAuth({ store: memoryStore(), mailer: memoryMailer(), secret: 'a'.repeat(32) });
 * ```
 */
export function memoryStore(): Store {
  // Users are keyed by String(id): a lookup by 7 or by '7' finds the user 7, as in SQL.
  const users = new Map<string, UserRecord>();
  const userKeyByEmail = new Map<string, string>();
  let nextId = 1;
  const sessions = new Map<string, SessionRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const oneTimeTokens = new Map<string, OneTimeTokenRecord>();
  // Unique profile values: the owner of each, and the values each user holds.
  const uniqueOwners = new Map<string, UserRecord['id']>();
  const uniqueKeysByUser = new Map<UserRecord['id'], string[]>();

  function emailKey(email: string): string {
    return email.toLowerCase();
  }

  function idKey(id: UserId): string {
    return String(id);
  }

  function uniqueKey(unique: UniqueValue): string {
    return JSON.stringify([unique.field, unique.value]);
  }

  /** Throws when another user holds one of the values; changes nothing. */
  function checkUnique(userId: UserRecord['id'] | null, values: readonly UniqueValue[] | undefined): void {
    for (const unique of values ?? []) {
      const owner = uniqueOwners.get(uniqueKey(unique));
      if (owner !== undefined && owner !== userId) throw uniqueValueTakenError(unique.field);
    }
  }

  /** Frees the user's values and, unless `values` is undefined, gives them these instead. */
  function replaceUnique(userId: UserRecord['id'], values: readonly UniqueValue[] | undefined): void {
    for (const key of uniqueKeysByUser.get(userId) ?? []) uniqueOwners.delete(key);
    uniqueKeysByUser.delete(userId);
    if (values === undefined) return;
    const keys = values.map(uniqueKey);
    for (const key of keys) uniqueOwners.set(key, userId);
    uniqueKeysByUser.set(userId, keys);
  }

  function sessionWithUser(session: SessionRecord): SessionWithUser | null {
    const user = users.get(idKey(session.userId));
    return user ? { session: structuredClone(session), user: structuredClone(user) } : null;
  }

  function newestUsable(userId: UserId, purpose: OneTimeTokenPurpose, now: Date): OneTimeTokenRecord | undefined {
    let newest: OneTimeTokenRecord | undefined;
    for (const token of oneTimeTokens.values()) {
      if (idKey(token.userId) !== idKey(userId) || token.purpose !== purpose || token.usedAt !== null) continue;
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
    enforcesUniqueValues: true,
    userIdKinds: ['string', 'integer'],

    async createUser(user, options) {
      const key = emailKey(user.email);
      // `id: null`: the store assigns the next integer, spent only when the user is stored.
      const id = user.id ?? nextId;
      const userKey = idKey(id);
      // Unique values before the email, as the contract says.
      checkUnique(userKey, options?.unique);
      if (userKeyByEmail.has(key)) throw new AuthError('EMAIL_TAKEN');
      if (users.has(userKey)) throw new Error(`memoryStore: a user with the id ${JSON.stringify(id)} exists already.`);
      if (user.id === null) nextId += 1;
      users.set(userKey, structuredClone({ ...user, id }));
      userKeyByEmail.set(key, userKey);
      replaceUnique(userKey, options?.unique ?? []);
      return id;
    },

    async findUserById(id) {
      const user = users.get(idKey(id));
      return user ? structuredClone(user) : null;
    },

    async findUserByEmail(email) {
      const userKey = userKeyByEmail.get(emailKey(email));
      const user = userKey === undefined ? undefined : users.get(userKey);
      return user ? structuredClone(user) : null;
    },

    async updateUser(id: UserId, patch: UserPatch, options?: UpdateUserOptions) {
      const userKey = idKey(id);
      const user = users.get(userKey);
      if (!user || !meets(user, options?.expect)) return null;
      checkUnique(userKey, options?.unique);
      if (patch.email !== undefined) {
        const newKey = emailKey(patch.email);
        const owner = userKeyByEmail.get(newKey);
        if (owner !== undefined && owner !== userKey) throw new AuthError('EMAIL_TAKEN');
        userKeyByEmail.delete(emailKey(user.email));
        userKeyByEmail.set(newKey, userKey);
      }
      if (options?.unique !== undefined) replaceUnique(userKey, options.unique);
      const updated: UserRecord = { ...user };
      for (const [field, value] of Object.entries(patch)) {
        if (value !== undefined) (updated as unknown as Record<string, unknown>)[field] = structuredClone(value);
      }
      users.set(userKey, updated);
      return structuredClone(updated);
    },

    async deleteUser(id) {
      const userKey = idKey(id);
      const user = users.get(userKey);
      if (!user) return false;
      users.delete(userKey);
      userKeyByEmail.delete(emailKey(user.email));
      replaceUnique(userKey, undefined);
      for (const [sessionId, session] of sessions) {
        if (idKey(session.userId) !== userKey) continue;
        sessions.delete(sessionId);
        for (const [hash, token] of refreshTokens) if (token.sessionId === sessionId) refreshTokens.delete(hash);
      }
      for (const [hash, token] of oneTimeTokens) {
        if (idKey(token.userId) !== userKey) continue;
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
        .filter((session) => idKey(session.userId) === idKey(userId) && session.revokedAt === null)
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
        if (idKey(session.userId) !== idKey(userId) || session.id === options.exceptSessionId) continue;
        if (revoke(session, options)) count += 1;
      }
      return count;
    },

    async createOneTimeToken(token) {
      for (const other of oneTimeTokens.values()) {
        if (idKey(other.userId) === idKey(token.userId) && other.purpose === token.purpose && other.usedAt === null) {
          other.usedAt = token.createdAt;
        }
      }
      oneTimeTokens.set(token.hash, structuredClone(token));
    },

    async findOneTimeToken(hash) {
      const token = oneTimeTokens.get(hash);
      return token ? structuredClone(token) : null;
    },

    async findActiveOneTimeToken(userId: UserId, purpose: OneTimeTokenPurpose, now: Date) {
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
        if (idKey(token.userId) !== idKey(userId) || token.usedAt !== null || !purposes.includes(token.purpose)) continue;
        token.usedAt = now;
        count += 1;
      }
      return count;
    },
  };
}
