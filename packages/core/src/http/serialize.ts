import type { SessionInfo } from '../flows/sessions.js';
import type { TokenPair } from '../sessions/sessions.js';
import type { AuthUser } from '../lib/users.js';
import type { UserId } from '../ports/store.js';

/**
 * A user as the HTTP contract sends it: the profile fields at the top level, next to the
 * account fields, and dates as ISO strings. Never a password hash. `id` is a JSON number with
 * `userIds: 'integer'`, a string otherwise; name the type (`UserJson<number>`) where you know it.
 */
export interface UserJson<Id extends UserId = UserId> {
  id: Id;
  email: string;
  emailVerified: boolean;
  emailVerifiedAt: string | null;
  role: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  /** The profile fields of the app's profile schema, e.g. `firstName`. */
  [profileField: string]: unknown;
}

/** The tokens a route hands out. `refreshToken` is absent when it travels in a cookie. */
export interface TokensJson {
  accessToken: string;
  refreshToken?: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/** One live session of the caller. */
export interface SessionJson {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** True for the session making the request. */
  current: boolean;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

const ACCOUNT_FIELDS = new Set(['id', 'email', 'emailVerified', 'emailVerifiedAt', 'role', 'status', 'createdAt', 'updatedAt', 'lastLoginAt', '__proto__']);

/** The JSON form of a user. A profile field can never shadow an account field. */
export function userJson(user: AuthUser<unknown, UserId>): UserJson {
  const profile = Object.entries((user.profile ?? {}) as Record<string, unknown>).filter(([key]) => !ACCOUNT_FIELDS.has(key));
  return {
    id: user.id,
    email: user.email,
    ...Object.fromEntries(profile),
    emailVerified: user.emailVerified,
    emailVerifiedAt: iso(user.emailVerifiedAt),
    role: user.role,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLoginAt: iso(user.lastLoginAt),
  };
}

/** The JSON form of a token pair; the refresh token is left out when it goes in a cookie. */
export function tokensJson(tokens: TokenPair, options: { includeRefreshToken: boolean }): TokensJson {
  const json: TokensJson = { accessToken: tokens.accessToken, tokenType: 'Bearer', expiresIn: tokens.expiresIn };
  if (options.includeRefreshToken) json.refreshToken = tokens.refreshToken;
  return json;
}

/** The JSON form of a session. */
export function sessionJson(session: SessionInfo): SessionJson {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.current,
  };
}
