import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { SessionEndReason } from '../events.js';
import type { UserPatch, UserRecord } from '../ports/store.js';

/** What {@link commitNewPassword} writes and whom it keeps logged in. */
export interface CommitPasswordOptions {
  user: UserRecord;
  /** The new hash, with any other fields to write in the same update. */
  patch: UserPatch & { passwordHash: string };
  reason: Extract<SessionEndReason, 'password_changed' | 'password_reset'>;
  /** The caller's own session, kept live (a password change); none for a reset. */
  exceptSessionId?: string;
  now: Date;
  /** Tells the owner; called here only when a step after the write fails. */
  notify: (user: UserRecord) => Promise<void>;
}

/**
 * Writes a new password hash so that no single failure leaves the change half done.
 *
 * Sessions are ended before the hash is written, so a failure there leaves the old password
 * working and nothing lost; and once more after it, so a login that proved the old password
 * while the change was under way cannot keep its session. A write whose reply is lost (the
 * store answered with an error after committing) is read back. Once the hash is written, the
 * owner is told even if what follows fails.
 *
 * @returns the user as stored, and how many sessions ended.
 */
export async function commitNewPassword(ctx: AuthContext, options: CommitPasswordOptions): Promise<{ user: UserRecord; count: number }> {
  const { user, patch, now } = options;
  const revoke = { now, reason: options.reason, ...(options.exceptSessionId === undefined ? {} : { exceptSessionId: options.exceptSessionId }) };
  let count = await ctx.store.revokeUserSessions(user.id, revoke);
  const updated = await writeOrReadBack(ctx, user.id, patch);
  try {
    count += await ctx.store.revokeUserSessions(user.id, revoke);
  } catch (error) {
    await options.notify(updated);
    throw error;
  }
  return { user: updated, count };
}

async function writeOrReadBack(ctx: AuthContext, userId: string, patch: UserPatch & { passwordHash: string }): Promise<UserRecord> {
  let updated: UserRecord | null;
  try {
    updated = await ctx.store.updateUser(userId, patch);
  } catch (error) {
    if (!(error instanceof AuthError && error.code === 'SERVICE_UNAVAILABLE')) throw error;
    const current = await ctx.store.findUserById(userId).catch(() => null);
    if (current?.passwordHash !== patch.passwordHash) throw error;
    updated = current;
  }
  if (!updated) throw new AuthError('UNAUTHENTICATED');
  return updated;
}
