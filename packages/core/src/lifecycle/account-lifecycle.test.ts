import { describe, expect, it } from 'vitest';
import { sha256 } from '../lib/crypto.js';
import { legacyNextRefreshToken } from '../sessions/sessions.js';
import { PASSWORD, caught, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { codeIn, mailTo, tokenIn } from '../test-support/mail-fixtures.js';
import { memoryStore } from '../memory/memory-store.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { OneTimeTokenPurpose, OneTimeTokenRecord, Store } from '../ports/store.js';
import { EVERY_PURPOSE, LIFECYCLE, type AccountChange } from './account-lifecycle.js';

const NEW_PASSWORD = 'Brand-New-Horse-7';
const ATTACKER = 'mallory@evil.example';

/** Ada, verified, logged in twice (her laptop and the intruder's copy of a session). */
async function ada(t: TestAuth): Promise<{ userId: string; mine: { sessionId: string; accessToken: string }; other: { sessionId: string; accessToken: string } }> {
  const { userId } = await registeredUser(t);
  const mine = (await t.auth.login({ email: 'ada@example.com', password: PASSWORD })).tokens;
  const other = (await t.auth.login({ email: 'ada@example.com', password: PASSWORD })).tokens;
  return { userId, mine, other };
}

/** Every one-time token of the user that is still usable. */
async function liveTokens(t: TestAuth, records: readonly OneTimeTokenRecord[]): Promise<OneTimeTokenPurpose[]> {
  const live: OneTimeTokenPurpose[] = [];
  for (const record of records) {
    const stored = await t.store.findOneTimeToken(record.hash);
    if (stored && stored.usedAt === null) live.push(stored.purpose);
  }
  return live;
}

/** Stores one outstanding token of every purpose for the user, as the flows would have issued them. */
async function tokenOfEveryPurpose(t: TestAuth, userId: string): Promise<OneTimeTokenRecord[]> {
  const now = t.clock.now();
  const records = EVERY_PURPOSE.map((purpose, index): OneTimeTokenRecord => ({
    id: `00000000-0000-4000-8000-00000000000${index}`.slice(-36),
    hash: sha256(`${userId}:${purpose}`),
    userId,
    purpose,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
    usedAt: null,
    attemptsLeft: purpose.endsWith('-code') ? 5 : null,
    data: 'ada@example.com',
  }));
  for (const record of records) await t.store.createOneTimeToken({ ...record, id: crypto.randomUUID() });
  return records;
}

/** Makes one change of each kind through its public flow, as the caller whose session is `mine`. */
async function makeChange(t: TestAuth, change: AccountChange, who: Awaited<ReturnType<typeof ada>>): Promise<void> {
  const { userId, mine } = who;
  switch (change) {
    case 'password_reset': {
      await t.auth.requestPasswordReset({ email: 'ada@example.com' });
      const token = tokenIn(await mailTo(t, 'ada@example.com'));
      await t.auth.confirmPasswordReset({ token, password: NEW_PASSWORD });
      return;
    }
    case 'password_changed':
      await t.auth.changePassword({ userId, sessionId: mine.sessionId, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      return;
    case 'email_changed': {
      await t.auth.requestEmailChange({ userId, sessionId: mine.sessionId, password: PASSWORD, newEmail: 'ada@new.example' });
      await t.auth.confirmEmailChange({ token: tokenIn(await mailTo(t, 'ada@new.example')) });
      return;
    }
    case 'logout_all':
      await t.auth.logoutAll({ userId });
      return;
    case 'user_disabled':
      await t.auth.setUserStatus({ userId, status: 'disabled' });
      return;
    case 'user_deleted':
      await t.auth.deleteUser({ userId });
      return;
  }
}

async function sessionWorks(t: TestAuth, accessToken: string): Promise<boolean> {
  return t.auth.authenticate(accessToken).then(
    () => true,
    () => false,
  );
}

describe('the lifecycle rule: every change of credentials or account state ends and voids what its table row says', () => {
  for (const change of Object.keys(LIFECYCLE) as AccountChange[]) {
    const rule = LIFECYCLE[change];
    it(`${change}: ends ${rule.sessions === 'all' ? 'every session' : "every session but the caller's"} and voids tokens of ${rule.voids.length} purposes`, async () => {
      const t = testAuth({ emailVerification: { method: 'both' } });
      const who = await ada(t);
      // Issued before the change; the change's own flow issues and uses its own tokens on top.
      const before = await tokenOfEveryPurpose(t, who.userId);
      await makeChange(t, change, who);

      expect(await liveTokens(t, before)).toEqual(EVERY_PURPOSE.filter((purpose) => !rule.voids.includes(purpose)));
      expect(await sessionWorks(t, who.other.accessToken)).toBe(false);
      const callerKept = rule.sessions === 'others' && change !== 'password_reset';
      expect(await sessionWorks(t, who.mine.accessToken)).toBe(callerKept);
    });
  }

  it('email_changed keeps the other sessions when emailChange.endOtherSessions is false, and still voids every token', async () => {
    const t = testAuth({ emailChange: { endOtherSessions: false } });
    const who = await ada(t);
    const before = await tokenOfEveryPurpose(t, who.userId);
    await makeChange(t, 'email_changed', who);
    expect(await sessionWorks(t, who.other.accessToken)).toBe(true);
    expect(await liveTokens(t, before)).toEqual([]);
  });

  it('reports each ended session with the reason of the change', async () => {
    const t = testAuth();
    const who = await ada(t);
    await makeChange(t, 'email_changed', who);
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'session.ended', userId: who.userId, reason: 'email_changed', count: 1 }));
  });
});

describe('account takeover through a pending email change (the notice tells the owner to reset the password)', () => {
  async function intruderStartsChange(t: TestAuth, who: Awaited<ReturnType<typeof ada>>): Promise<{ link: string; code: string }> {
    await t.auth.requestEmailChange({ userId: who.userId, sessionId: who.other.sessionId, password: PASSWORD, newEmail: ATTACKER });
    const message = await mailTo(t, ATTACKER);
    return { link: tokenIn(message), code: codeIn(message) };
  }

  const owners: Record<string, (t: TestAuth, who: Awaited<ReturnType<typeof ada>>) => Promise<void>> = {
    'resets the password': (t, who) => makeChange(t, 'password_reset', who),
    'changes the password': (t, who) => makeChange(t, 'password_changed', who),
    'logs out everywhere': (t, who) => makeChange(t, 'logout_all', who),
    'is disabled by an admin (and enabled again)': async (t, who) => {
      await makeChange(t, 'user_disabled', who);
      await t.auth.setUserStatus({ userId: who.userId, status: 'active' });
    },
  };
  for (const [action, act] of Object.entries(owners)) {
    it(`the intruder's link and code stop working once the owner ${action}`, async () => {
      const t = testAuth({ emailVerification: { method: 'both' } });
      const who = await ada(t);
      const { link, code } = await intruderStartsChange(t, who);
      await act(t, who);
      expect((await caught(t.auth.confirmEmailChange({ token: link }))).code).toBe('TOKEN_INVALID');
      expect((await caught(t.auth.confirmEmailChange({ userId: who.userId, code }))).code).toBe('TOKEN_INVALID');
      expect((await t.store.findUserById(who.userId))?.email).toBe('ada@example.com');
    });
  }

  it('a change link issued under the old password is refused even when it escaped the voiding (issued concurrently with the reset)', async () => {
    const t = testAuth({ emailVerification: { method: 'both' } });
    const who = await ada(t);
    const { link } = await intruderStartsChange(t, who);
    // The password changes without the lifecycle's voiding reaching this token: what a request
    // that issued its token just after the reset voided the others would leave behind.
    await t.store.updateUser(who.userId, { passwordHash: await t.hasher.hash(NEW_PASSWORD), updatedAt: t.clock.now() });
    expect((await caught(t.auth.confirmEmailChange({ token: link }))).code).toBe('TOKEN_INVALID');
    expect((await t.store.findUserById(who.userId))?.email).toBe('ada@example.com');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'email.verification_failed', reason: 'credentials_changed' }));
  });

  it('the owner can still change their own address after all that', async () => {
    const t = testAuth({ emailVerification: { method: 'both' } });
    const who = await ada(t);
    await intruderStartsChange(t, who);
    await makeChange(t, 'logout_all', who);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.requestEmailChange({ userId: who.userId, sessionId: tokens.sessionId, password: PASSWORD, newEmail: 'ada@new.example' });
    await t.auth.confirmEmailChange({ token: tokenIn(await mailTo(t, 'ada@new.example')) });
    expect((await t.store.findUserById(who.userId))?.email).toBe('ada@new.example');
    expect(await sessionWorks(t, tokens.accessToken)).toBe(true);
  });
});

/** A cheap hasher with a hook that runs inside `hash`, while a flow waits for it, and a switchable `needsRehash`. */
function hookedHasher(): PasswordHasher & { beforeHash: (password: string) => Promise<void>; rehash: boolean } {
  const inner = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
  const hasher = {
    beforeHash: async (_password: string): Promise<void> => {},
    rehash: false,
    async hash(password: string): Promise<string> {
      await hasher.beforeHash(password);
      return inner.hash(password);
    },
    verify: (hash: string, password: string): Promise<boolean> => inner.verify(hash, password),
    needsRehash: (hash: string): boolean => hasher.rehash || inner.needsRehash(hash),
  };
  return hasher;
}

describe('state transitions are compare-and-set', () => {
  it('a reset never re-activates an account disabled while the new password was being hashed', async () => {
    const hasher = hookedHasher();
    const t = testAuth({ hasher });
    const { userId } = await registeredUser(t);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const token = tokenIn(await mailTo(t, 'ada@example.com'));
    hasher.beforeHash = async () => {
      // An admin tool disables the account in the database while argon2 runs.
      await t.store.updateUser(userId, { status: 'disabled', updatedAt: t.clock.now() });
    };
    expect((await caught(t.auth.confirmPasswordReset({ token, password: NEW_PASSWORD }))).code).toBe('ACCOUNT_DISABLED');
    const stored = await t.store.findUserById(userId);
    expect(stored?.status).toBe('disabled');
    // The token is not given back: a disabled account's tokens stay void, even after it is enabled again.
    expect((await t.store.findOneTimeToken(sha256(token)))?.usedAt).not.toBeNull();
    await t.auth.setUserStatus({ userId, status: 'active' });
    expect((await caught(t.auth.confirmPasswordReset({ token, password: NEW_PASSWORD }))).code).toBe('TOKEN_INVALID');
  });

  it("a login's rehash never reverts a password reset that landed while it was hashing", async () => {
    const hasher = hookedHasher();
    const t = testAuth({ hasher });
    const { userId } = await registeredUser(t);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const token = tokenIn(await mailTo(t, 'ada@example.com'));
    hasher.rehash = true;
    let raced = false;
    hasher.beforeHash = async (password) => {
      if (password !== PASSWORD || raced) return;
      raced = true;
      hasher.rehash = false;
      await t.auth.confirmPasswordReset({ token, password: NEW_PASSWORD });
    };
    expect((await caught(t.auth.login({ email: 'ada@example.com', password: PASSWORD }))).code).toBe('INVALID_CREDENTIALS');
    expect(raced).toBe(true);
    await expect(t.auth.login({ email: 'ada@example.com', password: NEW_PASSWORD })).resolves.toBeDefined();
    expect((await t.auth.listSessions({ userId })).length).toBe(1);
  });

  it('verification never re-activates an account disabled between the read and the write', async () => {
    const inner = memoryStore();
    const find = inner.findUserById.bind(inner);
    let armed = false;
    let disabled = false;
    const store: Store = {
      ...inner,
      async findUserById(id) {
        const found = await find(id);
        if (armed && !disabled && found?.status === 'pending') {
          disabled = true;
          await inner.updateUser(id, { status: 'disabled', updatedAt: found.updatedAt });
        }
        return found;
      },
    };
    const t = testAuth({ store, emailVerification: { method: 'link' } });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const link = tokenIn(await mailTo(t, 'ada@example.com'));
    armed = true;
    const result = await t.auth.verifyEmail({ token: link });
    expect(disabled).toBe(true);
    expect(result.user.status).toBe('disabled');
    expect((await find(user.id))?.status).toBe('disabled');
  });
});

describe('refresh successors are derived under a server secret', () => {
  it('a copy of the database (rotation key and an old token) does not derive the live refresh token', async () => {
    const t = testAuth();
    await registeredUser(t);
    const first = (await t.auth.login({ email: 'ada@example.com', password: PASSWORD })).tokens;
    const second = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    const found = await t.store.findSession(first.sessionId);
    const guess = legacyNextRefreshToken(found!.session, first.refreshToken);
    expect(guess).not.toBe(second.refreshToken);
    expect(await t.store.findRefreshToken(sha256(guess))).toBeNull();
  });

  it('two instances with different secrets derive different successors; one secret derives the same (grace retry across instances)', async () => {
    const store = testAuth().store;
    const a = testAuth({ store });
    const b = testAuth({ store, secret: 'another-secret-'.padEnd(32, 'y') });
    const c = testAuth({ store });
    await registeredUser(a);
    const { tokens } = await a.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const rotated = (await a.auth.refresh({ refreshToken: tokens.refreshToken })).tokens;
    // Same secret: the concurrent retry inside the grace window gets the same successor.
    expect((await c.auth.refresh({ refreshToken: tokens.refreshToken })).tokens.refreshToken).toBe(rotated.refreshToken);
    // Another secret cannot recognise the retry: it is a reuse, and the family ends.
    expect((await caught(b.auth.refresh({ refreshToken: tokens.refreshToken }))).code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('sessions from before the upgrade keep working: a live token rotated the old way refreshes, and its retry in the grace window is recognised', async () => {
    const t = testAuth();
    await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    // What 0.1 did on a refresh: the successor derived from the stored rotation key alone.
    const { session } = (await t.store.findSession(tokens.sessionId))!;
    const oldSuccessor = legacyNextRefreshToken(session, tokens.refreshToken);
    const now = t.clock.now();
    expect(await t.store.rotateRefreshToken({ sessionId: session.id, presentedHash: sha256(tokens.refreshToken), next: { hash: sha256(oldSuccessor), sessionId: session.id, issuedAt: now, usedAt: null }, now })).toBe(true);

    // The client's retry of the token it had just presented, inside the grace window: the same successor.
    expect((await t.auth.refresh({ refreshToken: tokens.refreshToken })).tokens.refreshToken).toBe(oldSuccessor);
    // The live token works, and what follows it is derived the new way.
    const next = (await t.auth.refresh({ refreshToken: oldSuccessor })).tokens;
    expect(next.refreshToken).not.toBe(legacyNextRefreshToken(session, oldSuccessor));
    await expect(t.auth.refresh({ refreshToken: next.refreshToken })).resolves.toBeDefined();
  });
});

describe('docs/security.md prints the lifecycle table', () => {
  it('has one row per change, exactly as the table in code says', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../../docs/security.md', import.meta.url), 'utf8');
    for (const [change, rule] of Object.entries(LIFECYCLE)) {
      const sessions = rule.sessions === 'all' ? 'every session' : "every session but the caller's";
      const voids = rule.voids.length === EVERY_PURPOSE.length ? 'every purpose' : rule.voids.map((purpose) => `\`${purpose}\``).join(', ');
      expect(doc).toContain(`| \`${change}\` | ${sessions} | ${voids} | ${rule.why} |`);
    }
  });
});

describe('tokens issued after the answer never outlive a change made meanwhile', () => {
  it('a reset requested just before a disable issues no link, so none works once the account is enabled again', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    t.mailer.clear();
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    // The disable lands between the answer and the deferred token write.
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    await t.auth.settled();
    await t.auth.setUserStatus({ userId, status: 'active' });
    expect(t.mailer.messages.filter((message) => message.subject.includes('Reset'))).toEqual([]);
    expect(await t.store.findActiveOneTimeToken(userId, 'password-reset', t.clock.now())).toBeNull();
  });

  it('a verification resent just before a disable issues no link or code', async () => {
    const t = testAuth({ emailVerification: { method: 'both' } });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.settled();
    t.clock.advance(1000);
    await t.auth.resendVerification({ email: 'ada@example.com' });
    await t.auth.setUserStatus({ userId: user.id, status: 'disabled' });
    await t.auth.settled();
    expect(await t.store.findActiveOneTimeToken(user.id, 'email-verification', t.clock.now())).toBeNull();
    expect(await t.store.findActiveOneTimeToken(user.id, 'email-verification-code', t.clock.now())).toBeNull();
  });
});
