// Concurrency: the flows over `createAuth`, with many requests for one account at once, on every
// store (memory, and Kysely on SQLite, PostgreSQL and MariaDB, each on a fresh database for this
// file). Each race ends in exactly one winner and never in a 500-like error or a surviving session.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { argon2Hasher, AuthError, createAuth, fakeClock, memoryMailer, memoryStore } from '@gatehouse-auth/core';
import type { Auth, AuthConfig, AuthEvent, FakeClock, Logger, MemoryMailer, PasswordHasher, Store } from '@gatehouse-auth/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase, type TestDatabase } from './test-support/databases.js';

type Kind = 'memory' | 'sqlite-file' | 'postgres' | 'mysql';

const LABELS: Record<Kind, string> = { memory: 'memoryStore', 'sqlite-file': 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };
const SECRET = 'race-secret-'.padEnd(32, 'x');
const PASSWORD = 'Correct-Horse-42';
const START = Date.UTC(2026, 0, 1, 12);
const N = 50;

interface Race {
  auth: Auth;
  clock: FakeClock;
  mailer: MemoryMailer;
  events: AuthEvent[];
  /** Errors the flows logged: a store failure (SERVICE_UNAVAILABLE) shows up here. */
  logged: unknown[];
  /** How many `rotateRefreshToken` calls answered `true`. */
  rotations: { won: number };
}

/** Counts the store's winning rotations, without changing what it does. */
function countingRotations(inner: Store, rotations: { won: number }): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'rotateRefreshToken' || typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<boolean> => {
        const won = (await (value as (...a: unknown[]) => Promise<boolean>).apply(target, args)) === true;
        if (won) rotations.won += 1;
        return won;
      };
    },
  });
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

function uniqueEmail(): string {
  return `race-${randomUUID().slice(0, 12)}@example.com`;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The token of the newest emailed link to `to` (`?token=` or the last path segment), once the emails sent after the answers are out. */
async function mailedToken(race: Pick<Race, 'auth' | 'mailer'>, to: string): Promise<string> {
  await race.auth.settled();
  const link = /https?:\/\/\S+/.exec(race.mailer.lastTo(to)?.text ?? '')?.[0];
  if (!link) throw new Error(`no link mailed to ${to}`);
  const url = new URL(link);
  return url.searchParams.get('token') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

async function mailedCode(race: Pick<Race, 'auth' | 'mailer'>, to: string): Promise<string> {
  await race.auth.settled();
  const code = /^([A-Z0-9]{6})$/m.exec(race.mailer.lastTo(to)?.text ?? '')?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/** Every outcome of a batch of promises: values, and the AuthError codes (anything else fails the test). */
async function outcomes<T>(promises: Promise<T>[]): Promise<{ values: T[]; codes: string[] }> {
  const settled = await Promise.allSettled(promises);
  const values: T[] = [];
  const codes: string[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') values.push(result.value);
    else if (result.reason instanceof AuthError) codes.push(result.reason.code);
    else throw result.reason;
  }
  return { values, codes };
}

async function rejects(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof AuthError ? error.code : `unexpected: ${String(error)}`),
  );
}

function describeRaces(kind: Kind): void {
  let database: TestDatabase | undefined;
  const memory = memoryStore();

  function baseStore(): Store {
    if (kind === 'memory') return memory;
    if (!database) throw new Error('no test database');
    return kyselyStore(database.db);
  }

  function db(): Kysely<any> | null {
    return database?.db ?? null;
  }

  /** Every Gatehouse made for this store, so their work after the answers can finish before the database goes. */
  const made: Auth[] = [];

  function race(config: Partial<AuthConfig> = {}): Race {
    const clock = fakeClock(START);
    const mailer = memoryMailer({ now: () => clock.now() });
    const events: AuthEvent[] = [];
    const logged: unknown[] = [];
    const rotations = { won: 0 };
    const logger: Logger = { warn() {}, error: (_message, details) => void logged.push(details?.error ?? _message) };
    const auth = createAuth({
      store: countingRotations(baseStore(), rotations),
      mailer,
      clock,
      secret: SECRET,
      appUrl: 'https://app.example.com',
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      rateLimits: false,
      logger,
      onEvent: (event) => void events.push(event),
      emailVerification: { requiredForLogin: false },
      ...config,
    } as AuthConfig) as Auth;
    made.push(auth);
    return { auth, clock, mailer, events, logged, rotations };
  }

  function count(events: AuthEvent[], type: AuthEvent['type']): number {
    return events.filter((event) => event.type === type).length;
  }

  describe(`races on ${LABELS[kind]}`, () => {
    beforeAll(async () => {
      if (kind === 'memory') return;
      database = await createTestDatabase(kind);
      await migrateToLatest(database.db);
    });
    afterAll(async () => {
      await Promise.all(made.map((auth) => auth.settled()));
      await database?.destroy();
    });

    it(`${N} parallel registrations of one address create one account; the others get EMAIL_TAKEN`, async () => {
      const t = race();
      const email = uniqueEmail();
      const { values, codes } = await outcomes(Array.from({ length: N }, () => t.auth.register({ email, password: PASSWORD })));
      expect(values).toHaveLength(1);
      expect(codes).toEqual(Array.from({ length: N - 1 }, () => 'EMAIL_TAKEN'));
      expect(t.logged).toEqual([]);
      expect(count(t.events, 'user.registered')).toBe(1);
      const stored = await baseStore().findUserByEmail(email);
      expect(stored?.id).toBe(values[0]?.user.id);
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      // The one account works: its password logs in.
      await t.auth.login({ email, password: PASSWORD });
    });

    it(`${N} parallel registrations of one address when verification is required: one account, ${N} look-alike answers`, async () => {
      const t = race({ emailVerification: { requiredForLogin: true } });
      const email = uniqueEmail();
      const { values, codes } = await outcomes(Array.from({ length: N }, () => t.auth.register({ email, password: PASSWORD })));
      expect(codes).toEqual([]);
      expect(values).toHaveLength(N);
      for (const value of values) {
        expect(value.tokens).toBeNull();
        expect(value.verificationRequired).toBe(true);
        expect(value.user).toMatchObject({ email, emailVerified: false, status: 'pending' });
      }
      expect(t.logged).toEqual([]);
      expect(count(t.events, 'user.registered')).toBe(1);
      expect(count(t.events, 'user.register_existing')).toBe(N - 1);
      const stored = await baseStore().findUserByEmail(email);
      expect(values.filter((value) => value.user.id === stored?.id)).toHaveLength(1);
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    });

    it(`${N} parallel uses of one password-reset token: exactly one sets its password`, async () => {
      const t = race();
      const email = uniqueEmail();
      await t.auth.register({ email, password: PASSWORD });
      await t.auth.requestPasswordReset({ email });
      const token = await mailedToken(t, email);
      const passwords = Array.from({ length: N }, (_, index) => `Reset-Password-${index}x`);
      const settled = await Promise.allSettled(passwords.map((password) => t.auth.confirmPasswordReset({ token, password })));
      const winners = settled.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const result of settled) {
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'TOKEN_INVALID' });
      }
      expect(t.logged).toEqual([]);
      expect(count(t.events, 'password.reset')).toBe(1);
      const winner = passwords[winners[0] ?? -1] ?? '';
      await t.auth.login({ email, password: winner });
      expect(await rejects(t.auth.login({ email, password: PASSWORD }))).toBe('INVALID_CREDENTIALS');
      const loser = passwords.find((password) => password !== winner) ?? '';
      expect(await rejects(t.auth.login({ email, password: loser }))).toBe('INVALID_CREDENTIALS');
    });

    it(`${N} parallel uses of one verification code: exactly one verifies (and logs in)`, async () => {
      const t = race({ emailVerification: { method: 'code', requiredForLogin: true, autoLoginOnVerify: true } });
      const email = uniqueEmail();
      const { user } = await t.auth.register({ email, password: PASSWORD });
      const code = await mailedCode(t, email);
      const { values, codes } = await outcomes(Array.from({ length: N }, () => t.auth.verifyEmail({ email, code })));
      expect(values).toHaveLength(1);
      expect(values[0]?.tokens).not.toBeNull();
      expect(codes).toEqual(Array.from({ length: N - 1 }, () => 'TOKEN_INVALID'));
      expect(t.logged).toEqual([]);
      expect(count(t.events, 'email.verified')).toBe(1);
      expect(count(t.events, 'login.succeeded')).toBe(1);
      expect(await t.auth.listSessions({ userId: user.id })).toHaveLength(1);
    });

    it(`${N} parallel uses of one verification link: exactly one verifies and logs in; the rest answer "already verified" or TOKEN_INVALID`, async () => {
      const t = race({ emailVerification: { method: 'link', requiredForLogin: true, autoLoginOnVerify: true } });
      const email = uniqueEmail();
      const { user } = await t.auth.register({ email, password: PASSWORD });
      const token = await mailedToken(t, email);
      const { values, codes } = await outcomes(Array.from({ length: N }, () => t.auth.verifyEmail({ token })));
      // A link opened again answers success without tokens (mail scanners open links first):
      // the one that verified is the one with tokens.
      expect(values.filter((value) => value.tokens !== null)).toHaveLength(1);
      for (const value of values) expect(value.user.emailVerified).toBe(true);
      expect(new Set(codes)).toEqual(new Set(codes.length === 0 ? [] : ['TOKEN_INVALID']));
      expect(t.logged).toEqual([]);
      expect(count(t.events, 'email.verified')).toBe(1);
      expect(await t.auth.listSessions({ userId: user.id })).toHaveLength(1);
    });

    it('refreshes racing a password change never leave another session live', async () => {
      const t = race();
      const email = uniqueEmail();
      const { user } = await t.auth.register({ email, password: PASSWORD });
      let current = PASSWORD;
      for (let round = 0; round < 6; round += 1) {
        const keeper = await t.auth.login({ email, password: current });
        const others = await Promise.all(Array.from({ length: 4 }, () => t.auth.login({ email, password: current })));
        const next = `Changed-Password-${round}x`;
        const change = t.auth.changePassword({ userId: user.id, sessionId: keeper.tokens.sessionId, currentPassword: current, newPassword: next });
        // Refreshes start at different points of the change: before its hashing ends, around its
        // writes, after it.
        const refreshes = others.map(async (other, index) => {
          await sleep(index * round);
          return t.auth.refresh({ refreshToken: other.tokens.refreshToken });
        });
        const [changed, ...refreshed] = await Promise.allSettled([change, ...refreshes]);
        expect(changed.status).toBe('fulfilled');
        current = next;
        for (const [index, result] of refreshed.entries()) {
          const other = others[index];
          if (!other) continue;
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(AuthError);
          expect(await rejects(t.auth.authenticate(other.tokens.accessToken))).toBe('TOKEN_INVALID');
          if (result.status === 'fulfilled') {
            expect(await rejects(t.auth.authenticate(result.value.tokens.accessToken))).toBe('TOKEN_INVALID');
            expect(await rejects(t.auth.refresh({ refreshToken: result.value.tokens.refreshToken }))).toMatch(/^(TOKEN_INVALID|REFRESH_TOKEN_REUSED)$/);
          } else {
            expect(await rejects(t.auth.refresh({ refreshToken: other.tokens.refreshToken }))).toMatch(/^(TOKEN_INVALID|REFRESH_TOKEN_REUSED)$/);
          }
        }
        // The session that changed the password is the only one left.
        await t.auth.authenticate(keeper.tokens.accessToken);
        expect((await t.auth.listSessions({ userId: user.id })).map((session) => session.id)).toEqual([keeper.tokens.sessionId]);
      }
      expect(t.logged).toEqual([]);
    });

    /**
     * Logins with the old password whose password check ends just before the owner's password
     * change and whose next step runs just after it: the hasher holds each login's `verify`
     * answer (true: the old password was still right) until the change has finished. The
     * interleaving is forced, so the outcome does not depend on timing.
     */
    async function loginsAcrossAChange(): Promise<{ password: string; survivors: string[] }> {
      const inner = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
      let held = 0;
      let hold = 0;
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const hasher: PasswordHasher = {
        hash: (password) => inner.hash(password),
        needsRehash: (hash) => inner.needsRehash(hash),
        async verify(hash, password) {
          const ok = await inner.verify(hash, password);
          if (hold > 0) {
            hold -= 1;
            held += 1;
            await gate;
          }
          return ok;
        },
      };
      const t = race({ hasher });
      const email = uniqueEmail();
      const { user } = await t.auth.register({ email, password: PASSWORD });
      const keeper = await t.auth.login({ email, password: PASSWORD });
      hold = 4;
      const logins = Array.from({ length: 4 }, () => t.auth.login({ email, password: PASSWORD }));
      while (held < 4) await settle();
      await t.auth.changePassword({ userId: user.id, sessionId: keeper.tokens.sessionId, currentPassword: PASSWORD, newPassword: 'Changed-Password-1x' });
      release();
      const results = await Promise.allSettled(logins);
      const survivors: string[] = [];
      for (const result of results) {
        // The logins proved the old password before the change: either they fail, or the change ends their sessions.
        if (result.status === 'fulfilled' && (await rejects(t.auth.authenticate(result.value.tokens.accessToken))) === 'resolved') survivors.push(result.value.tokens.sessionId);
      }
      const works = async (password: string): Promise<boolean> => (await rejects(t.auth.login({ email, password }))) === 'resolved';
      const password = (await works('Changed-Password-1x')) ? 'new' : (await works(PASSWORD)) ? 'old' : 'neither';
      expect(t.logged).toEqual([]);
      return { password, survivors };
    }

    it('a password change is never undone by logins with the old password that overlap it', async () => {
      expect((await loginsAcrossAChange()).password).toBe('new');
    });

    it('logins with the old password that overlap a password change leave no session live but the changer’s', async () => {
      expect((await loginsAcrossAChange()).survivors).toEqual([]);
    });

    it(`${N} parallel refreshes of one token: one rotation, one family, one live refresh token`, async () => {
      const t = race();
      const email = uniqueEmail();
      // Verification is not required here: registration starts the session.
      const registered = await t.auth.register({ email, password: PASSWORD });
      const { user } = registered;
      const tokens = registered.tokens ?? expect.unreachable('registration started no session');
      const { values, codes } = await outcomes(Array.from({ length: N }, () => t.auth.refresh({ refreshToken: tokens.refreshToken })));
      expect(codes).toEqual([]);
      expect(t.rotations.won).toBe(1);
      // Inside the grace window every concurrent retry receives the same successor.
      const successors = new Set(values.map((value) => value.tokens.refreshToken));
      expect(successors.size).toBe(1);
      const successor = [...successors][0] ?? '';
      const sessions = await t.auth.listSessions({ userId: user.id });
      expect(sessions.map((session) => session.id)).toEqual([tokens.sessionId]);
      for (const value of values) expect(value.tokens.sessionId).toBe(tokens.sessionId);
      const database = db();
      if (database) {
        const rows = await database
          .selectFrom('gatehouse_refresh_tokens')
          .select(['hash', 'used_at'])
          .where('session_id', '=', tokens.sessionId)
          .execute();
        expect(rows).toHaveLength(2);
        expect(rows.filter((row) => row.used_at === null).map((row) => row.hash)).toEqual([sha256(successor)]);
      } else {
        expect((await baseStore().findRefreshToken(sha256(successor)))?.token.usedAt).toBeNull();
        expect((await baseStore().findRefreshToken(sha256(tokens.refreshToken)))?.token.usedAt).not.toBeNull();
      }
      // The family goes on from the one successor; the old token is a replay after the grace window.
      t.clock.advance(60_000);
      const next = await t.auth.refresh({ refreshToken: successor });
      expect(next.tokens.sessionId).toBe(tokens.sessionId);
      expect(t.rotations.won).toBe(2);
      expect(await rejects(t.auth.refresh({ refreshToken: tokens.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
      expect(t.logged).toEqual([]);
    });

    it(`${N} parallel refreshes of one token after the grace window of its last use: the session ends, no fork`, async () => {
      const t = race();
      const email = uniqueEmail();
      // Verification is not required here: registration starts the session.
      const registered = await t.auth.register({ email, password: PASSWORD });
      const { user } = registered;
      const tokens = registered.tokens ?? expect.unreachable('registration started no session');
      const first = await t.auth.refresh({ refreshToken: tokens.refreshToken });
      t.clock.advance(60_000);
      // The stolen old token, replayed by many at once, alongside the rightful holder's refresh.
      const { values, codes } = await outcomes([
        ...Array.from({ length: N }, () => t.auth.refresh({ refreshToken: tokens.refreshToken })),
        t.auth.refresh({ refreshToken: first.tokens.refreshToken }),
      ]);
      expect(values.length).toBeLessThanOrEqual(1);
      expect(codes.length).toBeGreaterThanOrEqual(N);
      for (const code of codes) expect(code).toMatch(/^(REFRESH_TOKEN_REUSED|TOKEN_INVALID)$/);
      expect(await t.auth.listSessions({ userId: user.id })).toEqual([]);
      for (const value of values) expect(await rejects(t.auth.authenticate(value.tokens.accessToken))).toBe('TOKEN_INVALID');
      expect(await rejects(t.auth.authenticate(first.tokens.accessToken))).toBe('TOKEN_INVALID');
      expect(t.logged).toEqual([]);
    });
  });
}

describeRaces('memory');
describeRaces('sqlite-file');
describeRaces('postgres');
describeRaces('mysql');
