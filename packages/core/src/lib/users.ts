import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { UserId, UserRecord, UserStatus } from '../ports/store.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/**
 * A user as flows return it: no password hash, `emailVerified` spelled out. `Id` is the type of
 * the app's user ids: `string` (the default), `number` with `userIds: 'integer'`.
 */
export interface AuthUser<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  id: Id;
  email: string;
  emailVerified: boolean;
  emailVerifiedAt: Date | null;
  role: string;
  status: UserStatus;
  profile: P;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** The public view of a stored user. */
export function toAuthUser<P>(user: UserRecord): AuthUser<P, UserId> {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    emailVerifiedAt: user.emailVerifiedAt,
    role: user.role,
    status: user.status,
    profile: user.profile as P,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
  };
}

/**
 * The user behind an authenticated call.
 * @throws AuthError `UNAUTHENTICATED` when the user no longer exists, `ACCOUNT_DISABLED` when disabled.
 */
export async function requireActiveUser(ctx: AuthContext, userId: UserId): Promise<UserRecord> {
  const user = await ctx.store.findUserById(userId);
  if (!user) throw new AuthError('UNAUTHENTICATED');
  if (user.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');
  return user;
}

/** Strings of a profile worth refusing inside a password (names, username). */
export function profileWords(profile: Record<string, unknown>): string[] {
  return Object.values(profile).filter((value): value is string => typeof value === 'string');
}
