import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { requireActiveUser, toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';

/** Input of {@link getProfile}. */
export interface GetProfileInput {
  userId: string;
}

/**
 * The account and profile of a user.
 * @throws AuthError `UNAUTHENTICATED` when the user no longer exists, `ACCOUNT_DISABLED`.
 */
export async function getProfile(ctx: AuthContext, input: GetProfileInput): Promise<AuthUser> {
  return toAuthUser(await requireActiveUser(ctx, input.userId));
}

/** Input of {@link updateProfile}. */
export interface UpdateProfileInput extends RequestMeta {
  userId: string;
  /** The fields to change; the others are kept. Only fields of the profile schema are accepted. */
  profile: Record<string, unknown>;
}

/**
 * Changes profile fields. Account fields (email, role, status, verification, password) are
 * not profile fields and are never changed here, whatever the input holds.
 * @throws AuthError `VALIDATION_FAILED`, `UNAUTHENTICATED`, `ACCOUNT_DISABLED`.
 */
export async function updateProfile(ctx: AuthContext, input: UpdateProfileInput): Promise<AuthUser> {
  const changes = parseInput(ctx.config.profileSchema.partial(), input.profile ?? {}, ['profile']) as Record<string, unknown>;
  const user = await requireActiveUser(ctx, input.userId);
  const profile = parseInput(ctx.config.profileSchema, { ...user.profile, ...changes }, ['profile']) as Record<string, unknown>;
  const now = ctx.clock.now();
  const updated = await ctx.store.updateUser(user.id, { profile, updatedAt: now });
  if (!updated) throw new AuthError('UNAUTHENTICATED');
  ctx.emit({ type: 'profile.updated', userId: user.id, fields: Object.keys(changes), at: now, ip: input.ip });
  return toAuthUser(updated);
}
