import type {
  NewUserRecord,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  RefreshTokenRecord,
  SessionRecord,
  UserId,
  UserIdKind,
  UserRecord,
  UserStatus,
} from '@gatehouse-auth/core';

// Converts between the store's records and table rows. Timestamps are BIGINT epoch
// milliseconds; drivers hand BIGINT back as number (better-sqlite3, mysql2) or string (pg).

type DbMillis = number | string | bigint;

export function toMillis(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('Gatehouse store: cannot store an invalid Date.');
  return ms;
}

export function toMillisOrNull(date: Date | null): number | null {
  return date === null ? null : toMillis(date);
}

function millisToDate(value: DbMillis): Date {
  return new Date(Number(value));
}

function millisToDateOrNull(value: DbMillis | null): Date | null {
  return value === null ? null : millisToDate(value);
}

/** A user id as the tables hold it: text, or a BIGINT that pg reads as a string. */
type DbUserId = string | number | bigint;

/**
 * A user id read from a row, as the store hands it out: a number with integer ids (exact up to
 * 2^53, which an auto-increment column does not reach), the text otherwise.
 */
export function toUserId(value: DbUserId, kind: UserIdKind): UserId {
  if (kind === 'string') return String(value);
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw new RangeError(`Gatehouse store: the user id ${String(value)} is not an integer up to 2^53.`);
  return id;
}

export interface UserRow {
  id: DbUserId;
  email: string;
  email_verified_at: DbMillis | null;
  password_hash: string | null;
  role: string;
  status: string;
  profile: string;
  created_at: DbMillis;
  updated_at: DbMillis;
  last_login_at: DbMillis | null;
}

export interface SessionRow {
  id: string;
  user_id: DbUserId;
  created_at: DbMillis;
  last_used_at: DbMillis;
  expires_at: DbMillis;
  revoked_at: DbMillis | null;
  revoked_reason: string | null;
  rotation_key: string;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokenRow {
  hash: string;
  session_id: string;
  issued_at: DbMillis;
  used_at: DbMillis | null;
}

export interface OneTimeTokenRow {
  id: string;
  hash: string;
  user_id: DbUserId;
  purpose: string;
  created_at: DbMillis;
  expires_at: DbMillis;
  used_at: DbMillis | null;
  attempts_left: number | string | null;
  data: string | null;
}

/** The row of a new user; without `id` when the database assigns it (`user.id` is `null`). */
export function userToRow(
  user: NewUserRecord,
): Omit<UserRow, 'id'> & { id?: string; email_verified_at: number | null; created_at: number; updated_at: number; last_login_at: number | null } {
  return {
    ...(user.id === null ? {} : { id: String(user.id) }),
    email: emailKey(user.email),
    email_verified_at: toMillisOrNull(user.emailVerifiedAt),
    password_hash: user.passwordHash,
    role: user.role,
    status: user.status,
    profile: JSON.stringify(user.profile),
    created_at: toMillis(user.createdAt),
    updated_at: toMillis(user.updatedAt),
    last_login_at: toMillisOrNull(user.lastLoginAt),
  };
}

export function rowToUser(row: UserRow, kind: UserIdKind): UserRecord {
  return {
    id: toUserId(row.id, kind),
    email: row.email,
    emailVerifiedAt: millisToDateOrNull(row.email_verified_at),
    passwordHash: row.password_hash,
    role: row.role,
    status: row.status as UserStatus,
    profile: JSON.parse(row.profile) as Record<string, unknown>,
    createdAt: millisToDate(row.created_at),
    updatedAt: millisToDate(row.updated_at),
    lastLoginAt: millisToDateOrNull(row.last_login_at),
  };
}

export function sessionToRow(
  session: SessionRecord,
): SessionRow & { user_id: string | number; created_at: number; last_used_at: number; expires_at: number; revoked_at: number | null } {
  return {
    id: session.id,
    user_id: session.userId,
    created_at: toMillis(session.createdAt),
    last_used_at: toMillis(session.lastUsedAt),
    expires_at: toMillis(session.expiresAt),
    revoked_at: toMillisOrNull(session.revokedAt),
    revoked_reason: session.revokedReason,
    rotation_key: session.rotationKey,
    user_agent: session.userAgent,
    ip: session.ip,
  };
}

export function rowToSession(row: SessionRow, kind: UserIdKind): SessionRecord {
  return {
    id: row.id,
    userId: toUserId(row.user_id, kind),
    createdAt: millisToDate(row.created_at),
    lastUsedAt: millisToDate(row.last_used_at),
    expiresAt: millisToDate(row.expires_at),
    revokedAt: millisToDateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
    rotationKey: row.rotation_key,
    userAgent: row.user_agent,
    ip: row.ip,
  };
}

export function refreshTokenToRow(token: RefreshTokenRecord): RefreshTokenRow & { issued_at: number; used_at: number | null } {
  return { hash: token.hash, session_id: token.sessionId, issued_at: toMillis(token.issuedAt), used_at: toMillisOrNull(token.usedAt) };
}

export function rowToRefreshToken(row: RefreshTokenRow): RefreshTokenRecord {
  return { hash: row.hash, sessionId: row.session_id, issuedAt: millisToDate(row.issued_at), usedAt: millisToDateOrNull(row.used_at) };
}

export function oneTimeTokenToRow(
  token: OneTimeTokenRecord,
): OneTimeTokenRow & { user_id: string | number; created_at: number; expires_at: number; used_at: number | null; attempts_left: number | null } {
  return {
    id: token.id,
    hash: token.hash,
    user_id: token.userId,
    purpose: token.purpose,
    created_at: toMillis(token.createdAt),
    expires_at: toMillis(token.expiresAt),
    used_at: toMillisOrNull(token.usedAt),
    attempts_left: token.attemptsLeft,
    data: token.data,
  };
}

export function rowToOneTimeToken(row: OneTimeTokenRow, kind: UserIdKind): OneTimeTokenRecord {
  return {
    id: row.id,
    hash: row.hash,
    userId: toUserId(row.user_id, kind),
    purpose: row.purpose as OneTimeTokenPurpose,
    createdAt: millisToDate(row.created_at),
    expiresAt: millisToDate(row.expires_at),
    usedAt: millisToDateOrNull(row.used_at),
    attemptsLeft: row.attempts_left === null ? null : Number(row.attempts_left),
    data: row.data,
  };
}

/**
 * The form an email is stored and looked up in. Core already passes normalized, lower-case
 * addresses, so for Gatehouse's own calls this changes nothing; it makes the plain unique
 * index case-insensitive for any other caller too, the same way on every database.
 */
export function emailKey(email: string): string {
  return email.toLowerCase();
}
