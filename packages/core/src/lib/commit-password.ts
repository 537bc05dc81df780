import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import { endAccountState, endSessions } from '../lifecycle/account-lifecycle.js';
import type { UserPatch, UserRecord } from '../ports/store.js';

/** What {@link commitNewPassword} writes and whom it keeps logged in. */
export interface CommitPasswordOptions {
  /** The user as the flow read and judged them. */
  user: UserRecord;
  /** The update to write over the user as stored: the new hash, and any other fields of the same change. */
  patch: (current: UserRecord) => UserPatch & { passwordHash: string };
  /**
   * Judges the user as read again after a concurrent change won the race (a disable, a reset, a
   * change of address): returns them when the change may still be made, throws the flow's
   * refusal otherwise.
   */
  admit: (current: UserRecord | null) => UserRecord;
  change: 'password_changed' | 'password_reset';
  /** The caller's own session, kept live (a password change); none for a reset. */
  exceptSessionId?: string;
  now: Date;
  ip?: string | undefined;
  /** Tells the owner; called here only when a step after the write fails. */
  notify: (user: UserRecord) => Promise<void>;
}

/** The outcome of {@link commitNewPassword}. */
export interface CommittedPassword {
  /** The user as stored after the change. */
  user: UserRecord;
  /** The user as stored just before it: what the change was made over. */
  before: UserRecord;
  /** How many sessions ended. */
  count: number;
}

/**
 * Writes a new password hash so that no single failure leaves the change half done, and
 * applies the account lifecycle rule of the change.
 *
 * Sessions are ended before the hash is written, so a failure there leaves the old password
 * working and nothing lost; then the hash is written as a compare-and-set on the hash, status
 * and address judged, so a concurrent disable, reset or change of address is never
 * overwritten; then the lifecycle rule runs once more (sessions, and every outstanding
 * single-use token), so a login that proved the old password while the change was under way
 * cannot keep its session. A write whose reply is lost (the store answered with an error after
 * committing) is read back. Once the hash is written, the owner is told even if what follows
 * fails.
 */
export async function commitNewPassword(ctx: AuthContext, options: CommitPasswordOptions): Promise<CommittedPassword> {
  const { now, change } = options;
  const scope = { userId: options.user.id, exceptSessionId: options.exceptSessionId, now, ip: options.ip };
  const ended = await endSessions(ctx, change, scope);
  const { user, before } = await writePassword(ctx, options);
  try {
    const count = await endAccountState(ctx, change, { ...scope, alreadyEnded: ended });
    return { user, before, count };
  } catch (error) {
    await options.notify(user);
    throw error;
  }
}

async function writePassword(ctx: AuthContext, options: CommitPasswordOptions): Promise<{ user: UserRecord; before: UserRecord }> {
  let current = options.user;
  // A lost race is judged again on a fresh read; three in a row means the account is changing
  // under us, and the caller may retry.
  for (let round = 0; round < 3; round++) {
    const patch = options.patch(current);
    const expect = { passwordHash: current.passwordHash, status: current.status, email: current.email };
    let updated: UserRecord | null;
    try {
      updated = await ctx.store.updateUser(current.id, patch, { expect });
    } catch (error) {
      if (!(error instanceof AuthError && error.code === 'SERVICE_UNAVAILABLE')) throw error;
      const stored = await ctx.store.findUserById(current.id).catch(() => null);
      if (stored?.passwordHash !== patch.passwordHash) throw error;
      updated = stored;
    }
    if (updated) return { user: updated, before: current };
    current = options.admit(await ctx.store.findUserById(current.id));
  }
  throw new AuthError('SERVICE_UNAVAILABLE');
}
