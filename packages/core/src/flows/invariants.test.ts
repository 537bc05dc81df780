// Model-based tests: fast-check generates sequences of register, login, refresh (with the
// current token, the one before it, or an older one), logout, logout everywhere, password change,
// password reset and clock moves, runs them over the memory store and a fake clock, and checks
// after every step that the sessions Gatehouse keeps are exactly the ones a simple model predicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { PASSWORD, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { mailTo, tokenIn } from '../test-support/mail-fixtures.js';

const EMAILS = ['ada@example.com', 'grace@example.com'] as const;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
// The defaults the model follows.
const ACCESS_TTL = 15 * MINUTE;
const IDLE_TTL = 7 * DAY;
const ABSOLUTE_TTL = 30 * DAY;
const GRACE = 10 * SECOND;

type Action =
  | { type: 'register'; user: number }
  | { type: 'login'; user: number; rightPassword: boolean }
  | { type: 'refresh'; session: number; liveOnly: boolean; token: 'current' | 'previous' | 'older' }
  | { type: 'logout'; session: number }
  | { type: 'logoutAll'; user: number }
  | { type: 'changePassword'; session: number }
  | { type: 'reset'; user: number }
  | { type: 'advance'; ms: number };

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('register' as const), user: fc.nat(EMAILS.length - 1) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('login' as const), user: fc.nat(EMAILS.length - 1), rightPassword: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({
      type: fc.constant('refresh' as const),
      session: fc.nat(),
      // Mostly a session the model holds live, so refreshes rotate more often than they bounce.
      liveOnly: fc.boolean(),
      token: fc.constantFrom('current' as const, 'current' as const, 'previous' as const, 'previous' as const, 'older' as const),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ type: fc.constant('logout' as const), session: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('logoutAll' as const), user: fc.nat(EMAILS.length - 1) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('changePassword' as const), session: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('reset' as const), user: fc.nat(EMAILS.length - 1) }), weight: 1 },
  {
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      // Around the grace window, the access-token lifetime, the idle and the absolute lifetimes.
      ms: fc.constantFrom(1 * SECOND, 5 * SECOND, GRACE, GRACE + 1, 14 * MINUTE, 16 * MINUTE, DAY, IDLE_TTL - 1, IDLE_TTL, 8 * DAY, ABSOLUTE_TTL),
    }),
    weight: 3,
  },
);

interface ModelUser {
  email: string;
  password: string;
  id: string | null;
}

interface ModelSession {
  id: string;
  user: number;
  createdAt: number;
  lastUsedAt: number;
  revoked: boolean;
  /** The family's tokens, oldest first; the last one is the live one. */
  tokens: string[];
  /** When each token but the last was exchanged. */
  usedAt: number[];
  accessToken: string;
  accessIssuedAt: number;
}

class Model {
  users: ModelUser[] = EMAILS.map((email) => ({ email, password: PASSWORD, id: null }));
  sessions: ModelSession[] = [];
  now: number;
  passwords = 0;

  constructor(start: number) {
    this.now = start;
  }

  live(session: ModelSession): boolean {
    return !session.revoked && this.now < Math.min(session.lastUsedAt + IDLE_TTL, session.createdAt + ABSOLUTE_TTL);
  }

  nextPassword(): string {
    this.passwords += 1;
    return `Next-Password-${this.passwords}x`;
  }

  add(user: number, tokens: { sessionId: string; refreshToken: string; accessToken: string }): void {
    this.sessions.push({
      id: tokens.sessionId,
      user,
      createdAt: this.now,
      lastUsedAt: this.now,
      revoked: false,
      tokens: [tokens.refreshToken],
      usedAt: [],
      accessToken: tokens.accessToken,
      accessIssuedAt: this.now,
    });
  }
}

function codeOf(error: unknown): string {
  if (error instanceof AuthError) return error.code;
  throw error;
}

/** Runs one action against Gatehouse and the model; fails when they disagree. */
async function step(t: TestAuth, model: Model, action: Action): Promise<void> {
  const { auth } = t;
  switch (action.type) {
    case 'register': {
      const user = model.users[action.user] as ModelUser;
      const result = await auth.register({ email: user.email, password: user.password }).catch(codeOf);
      if (user.id !== null) {
        expect(result).toBe('EMAIL_TAKEN');
        return;
      }
      if (typeof result === 'string') throw new Error(`register answered ${result}`);
      user.id = result.user.id;
      if (!result.tokens) throw new Error('register started no session');
      model.add(action.user, result.tokens);
      return;
    }
    case 'login': {
      const user = model.users[action.user] as ModelUser;
      const password = action.rightPassword ? user.password : 'Wrong-Password-1';
      const result = await auth.login({ email: user.email, password }).catch(codeOf);
      if (user.id === null || !action.rightPassword) {
        expect(result).toBe('INVALID_CREDENTIALS');
        return;
      }
      if (typeof result === 'string') throw new Error(`login answered ${result}`);
      model.add(action.user, result.tokens);
      return;
    }
    case 'refresh': {
      const live = model.sessions.filter((candidate) => model.live(candidate));
      const pool = action.liveOnly && live.length > 0 ? live : model.sessions;
      if (pool.length === 0) return;
      const session = pool[action.session % pool.length] as ModelSession;
      const last = session.tokens.length - 1;
      const index = action.token === 'current' ? last : action.token === 'previous' ? last - 1 : last - 2;
      if (index < 0) return;
      const presented = session.tokens[index] as string;
      const result = await auth.refresh({ refreshToken: presented }).catch(codeOf);
      let expected: string;
      if (session.revoked) expected = 'TOKEN_INVALID';
      else if (!model.live(session)) expected = 'TOKEN_EXPIRED';
      else if (index === last) expected = 'rotated';
      else if (index === last - 1 && model.now - (session.usedAt[index] as number) <= GRACE) expected = 'grace';
      else expected = 'REFRESH_TOKEN_REUSED';
      if (typeof result === 'string') {
        expect(result, `refresh of token ${index} of ${last}`).toBe(expected);
        if (result === 'REFRESH_TOKEN_REUSED') session.revoked = true;
        return;
      }
      expect(expected).toMatch(/^(rotated|grace)$/);
      expect(result.tokens.sessionId).toBe(session.id);
      if (expected === 'rotated') {
        expect(result.tokens.refreshToken).not.toBe(presented);
        session.tokens.push(result.tokens.refreshToken);
        session.usedAt.push(model.now);
        session.lastUsedAt = model.now;
      } else {
        // A retry inside the grace window gets the very token the first exchange handed out.
        expect(result.tokens.refreshToken).toBe(session.tokens[last]);
      }
      session.accessToken = result.tokens.accessToken;
      session.accessIssuedAt = model.now;
      return;
    }
    case 'logout': {
      if (model.sessions.length === 0) return;
      const session = model.sessions[action.session % model.sessions.length] as ModelSession;
      const userId = model.users[session.user]?.id as string;
      await auth.logout({ userId, sessionId: session.id });
      session.revoked = true;
      return;
    }
    case 'logoutAll': {
      const user = model.users[action.user] as ModelUser;
      if (user.id === null) return;
      const { count } = await auth.logoutAll({ userId: user.id });
      const ended = model.sessions.filter((session) => session.user === action.user && !session.revoked);
      // Expired sessions that were never revoked are ended too: the count includes them.
      expect(count).toBe(ended.length);
      for (const session of ended) session.revoked = true;
      return;
    }
    case 'changePassword': {
      if (model.sessions.length === 0) return;
      const session = model.sessions[action.session % model.sessions.length] as ModelSession;
      // As over HTTP: only with an access token that still authenticates.
      const identity = await auth.authenticate(session.accessToken).catch(codeOf);
      if (typeof identity === 'string') return;
      const user = model.users[session.user] as ModelUser;
      const next = model.nextPassword();
      await auth.changePassword({ userId: identity.userId, sessionId: identity.sessionId, currentPassword: user.password, newPassword: next });
      user.password = next;
      for (const other of model.sessions) if (other.user === session.user && other !== session) other.revoked = true;
      return;
    }
    case 'reset': {
      const user = model.users[action.user] as ModelUser;
      await auth.requestPasswordReset({ email: user.email });
      if (user.id === null) return;
      const token = tokenIn(await mailTo(t, user.email));
      const next = model.nextPassword();
      await auth.confirmPasswordReset({ token, password: next });
      user.password = next;
      for (const session of model.sessions) if (session.user === action.user) session.revoked = true;
      return;
    }
    case 'advance': {
      t.clock.advance(action.ms);
      model.now += action.ms;
      return;
    }
  }
}

/** What must hold after every step. */
async function checkInvariants(t: TestAuth, model: Model): Promise<void> {
  for (const [index, user] of model.users.entries()) {
    if (user.id === null) continue;
    // A session is live exactly when the model says so.
    const listed = (await t.auth.listSessions({ userId: user.id })).map((session) => session.id).sort();
    const expected = model.sessions.filter((session) => session.user === index && model.live(session)).map((session) => session.id).sort();
    expect(listed, `live sessions of ${user.email}`).toEqual(expected);
  }
  for (const session of model.sessions) {
    // Its newest access token works exactly while the session is live (checked while the token
    // itself is clearly inside its lifetime).
    if (model.now < session.accessIssuedAt + ACCESS_TTL - 10 * SECOND) {
      const outcome = await t.auth.authenticate(session.accessToken).then(
        () => 'ok',
        (error: unknown) => codeOf(error),
      );
      expect(outcome, `access token of session ${session.id}`).toBe(model.live(session) ? 'ok' : 'TOKEN_INVALID');
    }
    // At most one unused refresh token per family, and for a family not ended, it is the newest.
    const unused: number[] = [];
    for (const [index, token] of session.tokens.entries()) {
      const found = await t.store.findRefreshToken(sha256(token));
      expect(found?.session.id).toBe(session.id);
      if (found?.token.usedAt === null) unused.push(index);
    }
    expect(unused.length, `unused refresh tokens of session ${session.id}`).toBeLessThanOrEqual(1);
    if (!session.revoked) expect(unused).toEqual([session.tokens.length - 1]);
  }
}

describe('session invariants under generated sequences of flows', () => {
  it('a session is live exactly when the model says; one unused refresh token per family at most', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArbitrary, { minLength: 5, maxLength: 40, size: 'max' }), async (actions) => {
        const t = testAuth({ rateLimits: false, emailVerification: { requiredForLogin: false } });
        const model = new Model(t.clock.now().getTime());
        // Every sequence starts with an account, so that most steps have sessions to work on.
        for (const action of [{ type: 'register', user: 0 } as const, ...actions]) {
          await step(t, model, action);
          await checkInvariants(t, model);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a login does not rewrite a password hash that already has the hasher’s parameters', async () => {
    // guardPort makes every hasher method async, so `needsRehash` answers a Promise, which is
    // always truthy: every login re-hashes and writes the password back (double hashing work, and
    // a login racing a password change writes the old password back over the new one).
    const t = testAuth();
    await registeredUser(t);
    const before = (await t.store.findUserByEmail('ada@example.com'))?.passwordHash;
    expect(t.hasher.needsRehash(before ?? '')).toBe(false);
    await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    expect(t.events.filter((event) => event.type === 'password.rehashed')).toEqual([]);
    expect((await t.store.findUserByEmail('ada@example.com'))?.passwordHash).toBe(before);
  });
});
