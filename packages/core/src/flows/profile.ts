import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { requireActiveUser, toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import type { UserId } from '../ports/store.js';
import { asProfileError, uniqueValuesOf } from '../unique-values.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link getProfile}. */
export interface GetProfileInput<Id extends UserId = AppUserId> {
  userId: Id;
}

/**
 * The account and profile of a user.
 * @throws AuthError `UNAUTHENTICATED` when the user no longer exists, `ACCOUNT_DISABLED`.
 */
export async function getProfile(ctx: AuthContext, input: GetProfileInput<UserId>): Promise<AuthUser<Record<string, unknown>, UserId>> {
  return toAuthUser(await requireActiveUser(ctx, input.userId));
}

/** Input of {@link updateProfile}. */
export interface UpdateProfileInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
  /** The fields to change; the others are kept. Only fields of the profile schema are accepted. */
  profile: Record<string, unknown>;
}

/**
 * Changes profile fields. Account fields (email, role, status, verification, password) are
 * not profile fields and are never changed here, whatever the input holds. A value of a unique
 * profile field that another account holds fails with `VALIDATION_FAILED` (`taken`), and
 * nothing changes.
 * @throws AuthError `VALIDATION_FAILED`, `UNAUTHENTICATED`, `ACCOUNT_DISABLED`.
 */
export async function updateProfile(ctx: AuthContext, input: UpdateProfileInput<UserId>): Promise<AuthUser<Record<string, unknown>, UserId>> {
  const changes = parseInput(ctx.config.profileSchema.partial(), input.profile ?? {}, ['profile']) as Record<string, unknown>;
  const user = await requireActiveUser(ctx, input.userId);
  const profile = parseInput(ctx.config.profileSchema, { ...user.profile, ...changes }, ['profile']) as Record<string, unknown>;
  const now = ctx.clock.now();
  // With unique fields, the store replaces the user's values with the new profile's, atomically
  // with the update: a value given up is freed, one taken by another account refuses the update.
  const options = ctx.config.uniqueProfileFields.length > 0 ? { unique: uniqueValuesOf(ctx.config.uniqueProfileFields, profile) } : undefined;
  const updated = await ctx.store.updateUser(user.id, { profile, updatedAt: now }, options).catch((error: unknown) => {
    throw asProfileError(error);
  });
  if (!updated) throw new AuthError('UNAUTHENTICATED');
  ctx.emit({ type: 'profile.updated', userId: user.id, fields: Object.keys(changes), at: now, ip: input.ip });
  return toAuthUser(updated);
}
