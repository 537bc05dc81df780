import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { fakeClock } from '../memory/fake-clock.js';
import type { OneTimeTokenRecord, RefreshTokenRecord, SessionRecord, UserId, UserRecord } from '../ports/store.js';

// Records for the conformance suites. Every id, email and hash is random, so tests never see
// each other's rows even though a suite shares one store.

/** The suites' "now": an arbitrary instant whose milliseconds are not zero, so truncation shows. */
export const T0 = Date.UTC(2031, 4, 6, 7, 8, 9, 123);

/** The instant `offsetMs` after {@link T0}, made by a fake clock (core never reads the wall clock). */
export function at(offsetMs: number): Date {
  return fakeClock(T0 + offsetMs).now();
}

/** An absolute instant, from epoch milliseconds. */
export function instant(epochMs: number): Date {
  return fakeClock(epochMs).now();
}

export function uniqueId(): string {
  return randomUUID();
}

/** An integer id far above any a store assigns in a test run, so that no user has it. */
export function unassignedIntegerId(): number {
  return Number.MAX_SAFE_INTEGER - randomInt(1_000_000);
}

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

/** A value shaped like a stored token hash: 32 random bytes, base64url. */
export function uniqueHash(): string {
  return randomBytes(32).toString('base64url');
}

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: uniqueId(),
    email: uniqueEmail(),
    emailVerifiedAt: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWg',
    role: 'user',
    status: 'pending',
    profile: { firstName: 'Ada', lastName: 'Lovelace' },
    createdAt: at(0),
    updatedAt: at(0),
    lastLoginAt: null,
    ...overrides,
  };
}

export function sessionRecord(userId: UserId, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: uniqueId(),
    userId,
    createdAt: at(0),
    lastUsedAt: at(0),
    expiresAt: at(7 * 24 * 3600 * 1000),
    revokedAt: null,
    revokedReason: null,
    rotationKey: randomBytes(32).toString('base64url'),
    userAgent: 'Mozilla/5.0 (conformance)',
    ip: '203.0.113.7',
    ...overrides,
  };
}

export function refreshTokenRecord(sessionId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return { hash: uniqueHash(), sessionId, issuedAt: at(0), usedAt: null, ...overrides };
}

export function oneTimeTokenRecord(userId: UserId, overrides: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord {
  return {
    id: uniqueId(),
    hash: uniqueHash(),
    userId,
    purpose: 'email-verification',
    createdAt: at(0),
    expiresAt: at(24 * 3600 * 1000),
    usedAt: null,
    attemptsLeft: null,
    data: null,
    ...overrides,
  };
}
