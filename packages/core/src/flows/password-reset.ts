import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError, isAuthError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { commitNewPassword, type CommittedPassword } from '../lib/commit-password.js';
import { consumeOrReadBack } from '../lib/one-time-tokens.js';
import { profileWords } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { notifyPasswordChanged } from '../mail/notices.js';
import { checkPassword } from '../password/policy.js';
import type { OneTimeTokenPurpose, UserPatch, UserRecord } from '../ports/store.js';
import { passwordInputSchema, tokenInputSchema } from '../schemas.js';
import { clearLockout } from '../rate-limit/limiter.js';
import { addressCheckPurposes } from './send-verification.js';

/** Input of {@link confirmPasswordReset}. */
export interface ConfirmPasswordResetInput extends RequestMeta {
  /** The token from the emailed link. */
  token: string;
  /** The new password; the password policy applies. */
  password: string;
}

/** Schema of {@link ConfirmPasswordResetInput}'s body fields. */
export const confirmPasswordResetSchema = z.object({ token: tokenInputSchema, password: passwordInputSchema });

const PURPOSE: OneTimeTokenPurpose = 'password-reset';

/**
 * Sets a new password with a reset token. The token works once; every session and refresh
 * token of the user ends; other reset links stop working; the owner is told by email. The
 * caller is not logged in: they log in with the new password.
 *
 * A weak password is refused before the token is used, so it can be tried again. A reset also
 * proves control of the address: an unverified address becomes verified.
 *
 * @throws AuthError `TOKEN_INVALID`, `TOKEN_EXPIRED`, `WEAK_PASSWORD` (fields on `password`),
 * `ACCOUNT_DISABLED`, `VALIDATION_FAILED`.
 * @example
 * ```ts
 * await auth.confirmPasswordReset({ token: url.searchParams.get('token') ?? '', password: 'New-Password-42' });
 * ```
 */
export async function confirmPasswordReset(ctx: AuthContext, input: ConfirmPasswordResetInput): Promise<void> {
  const { token, password } = parseInput(confirmPasswordResetSchema, input);
  const now = ctx.clock.now();
  // Looked up first, to judge the password against the right account before any change.
  const hash = sha256(token);
  const found = await ctx.store.findOneTimeToken(hash);
  if (!found || found.purpose !== PURPOSE) throw new AuthError('TOKEN_INVALID');
  if (found.expiresAt.getTime() <= now.getTime()) throw new AuthError('TOKEN_EXPIRED');
  if (found.usedAt !== null) throw new AuthError('TOKEN_INVALID');
  const user = await ctx.store.findUserById(found.userId);
  // Sent to an address the account no longer has: not a proof of control any more.
  if (!user || (found.data !== null && found.data !== user.email)) throw new AuthError('TOKEN_INVALID');
  if (user.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');
  const weak = ctx.config.password.blockContext
    ? checkPassword(password, ctx.config.password, { email: user.email, values: profileWords(user.profile) })
    : checkPassword(password, ctx.config.password);
  if (weak.length > 0) throw new AuthError('WEAK_PASSWORD', undefined, { fields: weak });

  const passwordHash = await ctx.hasher.hash(password);
  // Claimed first, so that of concurrent uses exactly one makes the change, and the one told
  // "success" is the one whose password is stored.
  const claimed = (await consumeOrReadBack(ctx, hash, now, () => ctx.store.consumeOneTimeToken(hash, PURPOSE, now))) !== null;
  if (!claimed) throw new AuthError('TOKEN_INVALID');

  const notify = (changed: UserRecord): Promise<void> => notifyPasswordChanged(ctx, { user: changed, reason: 'reset', at: now });
  let committed: CommittedPassword;
  try {
    committed = await commitNewPassword(ctx, {
      user,
      // A reset proves control of the address: an unverified one becomes verified. Never
      // re-activates a disabled account: the status written is the one judged, or active for pending.
      patch: (current) => {
        const patch: UserPatch & { passwordHash: string } = { passwordHash, updatedAt: now };
        if (current.emailVerifiedAt === null) patch.emailVerifiedAt = now;
        if (current.emailVerifiedAt === null && current.status === 'pending') patch.status = 'active';
        return patch;
      },
      admit: (current) => {
        if (!current || (found.data !== null && found.data !== current.email)) throw new AuthError('TOKEN_INVALID');
        if (current.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');
        return current;
      },
      change: 'password_reset',
      now,
      ip: input.ip,
      notify,
    });
  } catch (error) {
    // Nothing lost: unless the new password made it in, the token is given back for a retry;
    // but never when the account changed under the reset (a disable, a new address): the
    // lifecycle voided every token then, and this one must stay void with them.
    const refused = isAuthError(error, 'ACCOUNT_DISABLED') || isAuthError(error, 'TOKEN_INVALID');
    const stored = refused ? null : await ctx.store.findUserById(user.id).catch(() => null);
    if (!refused && stored?.passwordHash !== passwordHash) await ctx.store.releaseOneTimeToken(hash, now).catch(() => false);
    throw error;
  }
  const { user: updated, before } = committed;

  if (before.emailVerifiedAt === null) ctx.emit({ type: 'email.verified', userId: user.id, at: now, ip: input.ip });
  ctx.emit({ type: 'password.reset', userId: user.id, at: now, ip: input.ip });
  await notify(updated);
  // A lockout must never keep the owner out once they have proved control of the address.
  await clearLockout(ctx, updated.email);
}
