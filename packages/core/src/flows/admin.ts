import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import type { UserStatus } from '../ports/store.js';

/** Input of {@link setUserStatus}. */
export interface SetUserStatusInput {
  userId: string;
  status: UserStatus;
}

/**
 * Sets an account's status (an admin action). Disabling ends every session at once, and a
 * disabled user can neither log in nor use tokens issued before.
 * @throws AuthError `USER_NOT_FOUND`.
 */
export async function setUserStatus(ctx: AuthContext, input: SetUserStatusInput): Promise<AuthUser> {
  const now = ctx.clock.now();
  const updated = await ctx.store.updateUser(input.userId, { status: input.status, updatedAt: now });
  if (!updated) throw new AuthError('USER_NOT_FOUND');
  ctx.emit({ type: 'user.status_changed', userId: input.userId, status: input.status, at: now });
  if (input.status === 'disabled') {
    const count = await ctx.store.revokeUserSessions(input.userId, { now, reason: 'user_disabled' });
    ctx.emit({ type: 'session.ended', userId: input.userId, sessionId: null, reason: 'user_disabled', count, at: now });
  }
  return toAuthUser(updated);
}

/** Input of {@link deleteUser}. */
export interface DeleteUserInput {
  userId: string;
}

/**
 * Deletes an account with its sessions and tokens; its access tokens stop working at once.
 * @throws AuthError `USER_NOT_FOUND`.
 */
export async function deleteUser(ctx: AuthContext, input: DeleteUserInput): Promise<void> {
  if (!(await ctx.store.deleteUser(input.userId))) throw new AuthError('USER_NOT_FOUND');
  ctx.emit({ type: 'user.deleted', userId: input.userId, at: ctx.clock.now() });
}
