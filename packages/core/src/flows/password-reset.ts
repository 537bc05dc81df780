import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { commitNewPassword } from '../lib/commit-password.js';
import { issueLinkToken, tokenStoreDecoy } from '../lib/one-time-tokens.js';
import { profileWords } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { deliver } from '../mail/deliver.js';
import { queryLink } from '../mail/links.js';
import { notifyPasswordChanged } from '../mail/notices.js';
import { checkPassword } from '../password/policy.js';
import type { OneTimeTokenPurpose, UserPatch, UserRecord } from '../ports/store.js';
import { emailSchema, passwordInputSchema, tokenInputSchema } from '../schemas.js';
import { clearLockout, limit } from '../rate-limit/limiter.js';
import { addressCheckPurposes } from './send-verification.js';

/** Input of {@link requestPasswordReset}. */
export interface RequestPasswordResetInput extends RequestMeta {
  email: string;
}

/** Input of {@link confirmPasswordReset}. */
export interface ConfirmPasswordResetInput extends RequestMeta {
  /** The token from the emailed link. */
  token: string;
  /** The new password; the password policy applies. */
  password: string;
}

/** Schema of {@link RequestPasswordResetInput}'s body fields. */
export const requestPasswordResetSchema = z.object({ email: emailSchema });
/** Schema of {@link ConfirmPasswordResetInput}'s body fields. */
export const confirmPasswordResetSchema = z.object({ token: tokenInputSchema, password: passwordInputSchema });

const PURPOSE: OneTimeTokenPurpose = 'password-reset';

/**
 * Emails a single-use password-reset link (`appUrl` + `passwordReset.linkPath` + `?token=`)
 * to the address, when it has an enabled account. The previous reset link stops working.
 *
 * Answers the same way, with the same store work, whether or not the address has an account;
 * the email is sent without waiting for the mailer, so its latency or failure cannot tell
 * either. Never locks or changes the account. Requests over the `passwordReset` rate limit
 * (per address, default 3 an hour, counted whether or not the address has an account) are
 * refused with `RATE_LIMITED`.
 *
 * @throws AuthError `VALIDATION_FAILED` for a malformed address; `RATE_LIMITED`; `SERVICE_UNAVAILABLE` when a store is down.
 * @example
 * ```ts
 * await auth.requestPasswordReset({ email: 'ada@example.com', ip: req.ip });
 * // Always answer "if the address has an account, we sent a link".
 * ```
 */
export async function requestPasswordReset(ctx: AuthContext, input: RequestPasswordResetInput): Promise<void> {
  const { email } = parseInput(requestPasswordResetSchema, input);
  const now = ctx.clock.now();
  // Keyed by the address whether or not it has an account, so a 429 tells nothing about it.
  await limit(ctx, 'passwordReset', email, now);
  const user = await ctx.store.findUserByEmail(email);
  if (!user || user.status === 'disabled') {
    await tokenStoreDecoy(ctx);
    ctx.emit({ type: 'password.reset_requested', at: now, ip: input.ip });
    return;
  }
  const ttl = ctx.config.passwordReset.ttl;
  const token = await issueLinkToken(ctx, { userId: user.id, purpose: PURPOSE, ttl, now, data: user.email });
  ctx.emit({ type: 'password.reset_requested', userId: user.id, at: now, ip: input.ip });
  void deliver(ctx, {
    template: 'passwordReset',
    to: user.email,
    userId: user.id,
    render: () =>
      ctx.config.emails.passwordReset({
        appName: ctx.config.appName,
        email: user.email,
        // Built from `appUrl` only, never from the request: see mail/links.ts.
        link: queryLink(ctx, ctx.config.passwordReset.linkPath, token),
        ttl,
      }),
  });
}

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
  const claimed = await claimToken(ctx, hash, now);
  if (!claimed) throw new AuthError('TOKEN_INVALID');

  const patch: UserPatch & { passwordHash: string } = { passwordHash, updatedAt: now };
  const verifies = user.emailVerifiedAt === null;
  if (verifies) patch.emailVerifiedAt = now;
  if (verifies && user.status === 'pending') patch.status = 'active';
  const notify = (changed: UserRecord): Promise<void> => notifyPasswordChanged(ctx, { user: changed, reason: 'reset', at: now });
  let committed: { user: UserRecord; count: number };
  try {
    committed = await commitNewPassword(ctx, { user, patch, reason: 'password_reset', now, notify });
  } catch (error) {
    // Nothing lost: unless the new password made it in, the token is given back for a retry.
    const stored = await ctx.store.findUserById(user.id).catch(() => null);
    if (stored?.passwordHash !== passwordHash) await ctx.store.releaseOneTimeToken(hash, now).catch(() => false);
    throw error;
  }
  const { user: updated, count } = committed;

  if (verifies) ctx.emit({ type: 'email.verified', userId: user.id, at: now, ip: input.ip });
  ctx.emit({ type: 'password.reset', userId: user.id, at: now, ip: input.ip });
  ctx.emit({ type: 'session.ended', userId: user.id, sessionId: null, reason: 'password_reset', count, at: now, ip: input.ip });
  await notify(updated);
  const verification = addressCheckPurposes('verification');
  await ctx.store.voidOneTimeTokens(user.id, verifies ? [PURPOSE, verification.link, verification.code] : [PURPOSE], now);
  // A lockout must never keep the owner out once they have proved control of the address.
  await clearLockout(ctx, updated.email);
}

/**
 * Consumes the reset token. A failure whose reply was lost (the token was consumed all the
 * same) is read back, so it is not mistaken for a refusal.
 */
async function claimToken(ctx: AuthContext, hash: string, now: Date): Promise<boolean> {
  try {
    return (await ctx.store.consumeOneTimeToken(hash, PURPOSE, now)) !== null;
  } catch (error) {
    const after = await ctx.store.findOneTimeToken(hash).catch(() => null);
    if (after?.usedAt?.getTime() === now.getTime()) return true;
    throw error;
  }
}
