import type { AuthContext, RequestMeta } from '../context.js';
import { endAccountState } from '../lifecycle/account-lifecycle.js';
import type { UserId } from '../ports/store.js';
import { sameUserId, type AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link logout}: the session of the caller's identity. */
export interface LogoutInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
  sessionId: string;
}

/**
 * Ends one session: its refresh token stops working, and so do its access tokens (unless the
 * config is stateless, where they run out on their own). Ending an already-ended session is
 * not an error.
 */
export async function logout(ctx: AuthContext, input: LogoutInput<UserId>): Promise<void> {
  const now = ctx.clock.now();
  const found = await ctx.store.findSession(input.sessionId);
  if (!found || !sameUserId(found.session.userId, input.userId)) return;
  if (await ctx.store.revokeSession(input.sessionId, { now, reason: 'logout' })) {
    ctx.emit({ type: 'session.ended', userId: input.userId, sessionId: input.sessionId, reason: 'logout', count: 1, at: now, ip: input.ip });
  }
}

/** Input of {@link logoutAll}. */
export interface LogoutAllInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
}

/**
 * Ends every session of the user, the caller's included, and voids every outstanding
 * single-use token (a pending email change, reset links, codes): "log out everywhere" is what an
 * owner does who fears an intruder. Returns how many sessions ended.
 */
export async function logoutAll(ctx: AuthContext, input: LogoutAllInput<UserId>): Promise<{ count: number }> {
  const now = ctx.clock.now();
  const count = await endAccountState(ctx, 'logout_all', { userId: input.userId, now, ip: input.ip });
  return { count };
}
