// Test-only helpers for the core's own tests (not exported from the package).
import { createAuth, type Auth } from '../create-auth.js';
import { AuthError } from '../errors.js';
import type { AuthConfig } from '../config.js';
import type { AuthEvent } from '../events.js';
import { fakeClock, type FakeClock } from '../memory/fake-clock.js';
import { memoryMailer, type MemoryMailer } from '../memory/memory-mailer.js';
import { memoryStore } from '../memory/memory-store.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { Store, UserId } from '../ports/store.js';
import type { DefaultProfile } from '../profile.js';

export const TEST_SECRET = 'test-secret-'.padEnd(32, 'x');
export const START = Date.UTC(2026, 0, 1, 12, 0, 0);
export const PASSWORD = 'Correct-Horse-42';

/** A cheap argon2id hasher that counts its calls. */
export interface CountingHasher extends PasswordHasher {
  calls: { hash: number; verify: number };
}

export function countingHasher(inner: PasswordHasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 })): CountingHasher {
  const calls = { hash: 0, verify: 0 };
  return {
    calls,
    async hash(password) {
      calls.hash += 1;
      return inner.hash(password);
    },
    async verify(hash, password) {
      calls.verify += 1;
      return inner.verify(hash, password);
    },
    needsRehash: (hash) => inner.needsRehash(hash),
  };
}

export interface TestAuth<Id extends UserId = string> {
  auth: Auth<DefaultProfile, Id>;
  clock: FakeClock;
  store: Store;
  mailer: MemoryMailer;
  hasher: CountingHasher;
  events: AuthEvent[];
}

let defaultStore: (() => Store) | undefined;

/**
 * Makes `testAuth()` use the store `factory` returns instead of a new memory store, when the
 * test passes none: how the flow tests run a second time over SQL (see the `flows-*` projects
 * in vitest.config.ts). The factory is called by each `testAuth()`; pass `undefined` to go
 * back to memory stores.
 */
export function useDefaultTestStore(factory: (() => Store) | undefined): void {
  defaultStore = factory;
}

/** A Gatehouse over memory ports (or the store of {@link useDefaultTestStore}), a fake clock and a cheap counting hasher. */
export function testAuth(overrides: Partial<AuthConfig> = {}): TestAuth {
  return makeTestAuth(overrides) as TestAuth;
}

/** {@link testAuth} with `userIds: 'integer'`: the store assigns user ids 1, 2, 3, … */
export function integerTestAuth(overrides: Partial<AuthConfig> = {}): TestAuth<number> {
  return makeTestAuth({ ...overrides, userIds: 'integer' }) as TestAuth<number>;
}

function makeTestAuth(overrides: Partial<AuthConfig>): TestAuth<UserId> {
  const clock = fakeClock(START);
  const store = overrides.store ?? defaultStore?.() ?? memoryStore();
  const mailer = memoryMailer({ now: clock.now });
  const hasher = countingHasher(overrides.hasher);
  const events: AuthEvent[] = [];
  const auth = createAuth({
    secret: TEST_SECRET,
    appUrl: 'https://app.example.com',
    clock,
    mailer,
    onEvent: (event) => {
      events.push(event);
    },
    // Quiet unless a test listens: the default logger writes to the console.
    logger: false,
    ...overrides,
    store,
    hasher,
  });
  return { auth, clock, store, mailer, hasher, events };
}

/** Registers and verifies-free logs in a user (verification not required by default here). */
export async function registeredUser<Id extends UserId>(t: TestAuth<Id>, email = 'ada@example.com', password = PASSWORD): Promise<{ userId: Id }> {
  const now = t.clock.now();
  const { user } = await t.auth.register({ email, password, profile: { firstName: 'Ada' } });
  // The verification email goes out after the answer; let it, so it cannot land after the mail a test asks for next.
  await t.auth.settled();
  // Mark verified directly in the store so login works whatever the verification config.
  await t.store.updateUser(user.id, { emailVerifiedAt: now, status: 'active', updatedAt: now });
  return { userId: user.id };
}

/** The AuthError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function caught(promise: Promise<unknown>): Promise<AuthError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection, but the promise resolved'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof AuthError)) throw outcome instanceof Error ? outcome : new Error(String(outcome));
  return outcome;
}
