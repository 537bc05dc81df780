import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError, type FieldIssue } from '../errors.js';
import { safeEqual } from '../lib/crypto.js';
import { commitNewPassword } from '../lib/commit-password.js';
import { reauthenticate } from '../lib/reauthenticate.js';
import { profileWords, requireActiveUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { notifyPasswordChanged } from '../mail/notices.js';
import { checkPassword } from '../password/policy.js';
import type { UserId, UserRecord } from '../ports/store.js';
import { passwordInputSchema } from '../schemas.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link changePassword}: the caller's identity (from the access token) and both passwords. */
export interface ChangePasswordInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
  /** The caller's session: it stays live, every other session ends. */
  sessionId: string;
  currentPassword: string;
  newPassword: string;
}

/** Schema of {@link ChangePasswordInput}'s body fields. */
export const changePasswordSchema = z.object({ currentPassword: passwordInputSchema, newPassword: passwordInputSchema });

/**
 * Changes the password of a logged-in user who proves they know the current one. Every other
 * session ends (the caller's stays), every outstanding single-use token (reset, verification,
 * email change) stops working, and the owner is told by email.
 *
 * @throws AuthError `INVALID_CREDENTIALS` (wrong current password), `WEAK_PASSWORD` (fields on
 * `newPassword`, `same_as_current` among the codes), `VALIDATION_FAILED`, `UNAUTHENTICATED`,
 * `ACCOUNT_DISABLED`.
 * @example
 * ```ts
 * const { userId, sessionId } = await auth.authenticate(accessToken);
 * await auth.changePassword({ userId, sessionId, currentPassword: 'Old-Password-1', newPassword: 'New-Password-42' });
 * ```
 */
export async function changePassword(ctx: AuthContext, input: ChangePasswordInput<UserId>): Promise<void> {
  const { currentPassword, newPassword } = parseInput(changePasswordSchema, input);
  const user = await requireActiveUser(ctx, input.userId);
  const now = ctx.clock.now();
  await reauthenticate(ctx, user, currentPassword, { flow: 'change_password', message: 'The current password is wrong.', now, ip: input.ip });
  const weak: FieldIssue[] = (
    ctx.config.password.blockContext
      ? checkPassword(newPassword, ctx.config.password, { email: user.email, values: profileWords(user.profile) })
      : checkPassword(newPassword, ctx.config.password)
  ).map((issue) => ({ ...issue, field: 'newPassword' }));
  if (safeEqual(newPassword, currentPassword)) {
    weak.push({ field: 'newPassword', code: 'same_as_current', message: 'The new password must differ from the current one.' });
  }
  if (weak.length > 0) throw new AuthError('WEAK_PASSWORD', undefined, { fields: weak });

  const passwordHash = await ctx.hasher.hash(newPassword);
  const notify = (changed: UserRecord): Promise<void> => notifyPasswordChanged(ctx, { user: changed, reason: 'change', at: now });
  const proved = user.passwordHash;
  const { user: updated } = await commitNewPassword(ctx, {
    user,
    patch: () => ({ passwordHash, updatedAt: now }),
    // The current password was proved against the hash read first: a change made since then
    // (a reset, another change) makes it not current any more.
    admit: (current) => {
      if (!current) throw new AuthError('UNAUTHENTICATED');
      if (current.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');
      if (current.passwordHash !== proved) throw new AuthError('INVALID_CREDENTIALS', 'The current password is wrong.');
      return current;
    },
    change: 'password_changed',
    exceptSessionId: input.sessionId,
    now,
    ip: input.ip,
    notify,
  });
  ctx.emit({ type: 'password.changed', userId: user.id, at: now, ip: input.ip });
  await notify(updated);
}
