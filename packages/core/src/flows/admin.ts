import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import { endAccountState } from '../lifecycle/account-lifecycle.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import type { UserId, UserStatus } from '../ports/store.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link setUserStatus}. */
export interface SetUserStatusInput<Id extends UserId = AppUserId> {
  userId: Id;
  status: UserStatus;
}

/**
 * Sets an account's status (an admin action). Disabling ends every session and voids every
 * outstanding single-use token at once; a disabled user can neither log in nor use tokens
 * issued before, and enabling again revives none of them.
 * @throws AuthError `USER_NOT_FOUND`.
 */
export async function setUserStatus(ctx: AuthContext, input: SetUserStatusInput<UserId>): Promise<AuthUser<Record<string, unknown>, UserId>> {
  const now = ctx.clock.now();
  const updated = await ctx.store.updateUser(input.userId, { status: input.status, updatedAt: now });
  if (!updated) throw new AuthError('USER_NOT_FOUND');
  ctx.emit({ type: 'user.status_changed', userId: input.userId, status: input.status, at: now });
  if (input.status === 'disabled') await endAccountState(ctx, 'user_disabled', { userId: input.userId, now });
  return toAuthUser(updated);
}

/** Input of {@link deleteUser}. */
export interface DeleteUserInput<Id extends UserId = AppUserId> {
  userId: Id;
}

/**
 * Deletes an account with its sessions and tokens; its access tokens stop working at once.
 * @throws AuthError `USER_NOT_FOUND`.
 */
export async function deleteUser(ctx: AuthContext, input: DeleteUserInput<UserId>): Promise<void> {
  const now = ctx.clock.now();
  // Ended first, so a deletion that fails half way leaves no session or token usable.
  if (await ctx.store.findUserById(input.userId)) await endAccountState(ctx, 'user_deleted', { userId: input.userId, now });
  if (!(await ctx.store.deleteUser(input.userId))) throw new AuthError('USER_NOT_FOUND');
  ctx.emit({ type: 'user.deleted', userId: input.userId, at: now });
}
