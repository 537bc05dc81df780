import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError, isAuthError } from '../errors.js';
import { consumeCode, consumeCodeForNobody, consumeLinkToken, tokenError, type ConsumeResult } from '../lib/one-time-tokens.js';
import { reauthenticate } from '../lib/reauthenticate.js';
import { requireActiveUser, toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import { deliver } from '../mail/deliver.js';
import { notifyEmailChange } from '../mail/notices.js';
import { credentialStamp, endAccountState } from '../lifecycle/account-lifecycle.js';
import { safeEqual } from '../lib/crypto.js';
import type { UserId, UserPatch, UserRecord } from '../ports/store.js';
import { userIdInputSchema, type AppUserId } from '../user-ids/user-ids.js';
import { limit } from '../rate-limit/limiter.js';
import { emailSchema, passwordInputSchema, tokenInputSchema } from '../schemas.js';
import { addressCheckPurposes, issueAddressCheck } from './send-verification.js';
import { codeInputSchema } from './verify-email.js';

/** Input of {@link requestEmailChange}: the caller's identity (from the access token), their password and the new address. */
export interface RequestEmailChangeInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
  /** The caller's session: it stays live when the change is confirmed, while the others end. */
  sessionId?: string;
  password: string;
  newEmail: string;
}

/**
 * Input of {@link confirmEmailChange}: the token from the link sent to the new address, or the
 * code with the caller's user id (taken from their verified access token, never from the body).
 */
export type ConfirmEmailChangeInput<Id extends UserId = AppUserId> = RequestMeta & ({ token: string } | { userId: Id; code: string });

/** Result of {@link confirmEmailChange}. */
export interface ConfirmEmailChangeResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  /** The user with the new, verified address. */
  user: AuthUser<P, Id>;
}

/** Schema of {@link RequestEmailChangeInput}'s body fields. */
export const requestEmailChangeSchema = z.object({ password: passwordInputSchema, newEmail: emailSchema });
/** Schema of {@link confirmEmailChange}'s input with the link's token. */
export const confirmEmailChangeTokenSchema = z.object({ token: tokenInputSchema });
/** Schema of {@link confirmEmailChange}'s input with a code. */
export const confirmEmailChangeCodeSchema = z.object({ userId: userIdInputSchema, code: codeInputSchema });

/**
 * What an email-change link or code carries: the new address, the credential stamp of the
 * account when the change was asked for (a password reset or change since then voids it), and
 * the session that asked (kept live when the change ends the others).
 */
interface EmailChangeData {
  email: string;
  stamp: string;
  sessionId: string | null;
}

function encodeChange(data: EmailChangeData): string {
  return JSON.stringify(data);
}

/** The data of an email-change token, or `null` for one that does not carry a stamp (issued before 0.2: refused). */
function decodeChange(data: string | null): EmailChangeData | null {
  if (data === null || !data.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(data) as Partial<EmailChangeData>;
    if (typeof parsed.email !== 'string' || typeof parsed.stamp !== 'string') return null;
    return { email: parsed.email, stamp: parsed.stamp, sessionId: typeof parsed.sessionId === 'string' ? parsed.sessionId : null };
  } catch {
    return null;
  }
}

/**
 * Starts a change of a logged-in user's address: the new address gets a verification link
 * and/or code (per `emailVerification.method`), and the old address is told. Nothing changes
 * until the new address is confirmed with {@link confirmEmailChange}.
 *
 * An address that belongs to another account gets the same answer (so this cannot find out
 * who has an account); the change then fails with `EMAIL_TAKEN` at confirmation. Requests
 * count against the `resendVerification` rate limit of the account.
 *
 * @throws AuthError `INVALID_CREDENTIALS` (wrong password), `VALIDATION_FAILED` (including
 * `newEmail` `same_as_current`), `RATE_LIMITED`, `UNAUTHENTICATED`, `ACCOUNT_DISABLED`.
 * @example
 * ```ts
 * const identity = await auth.authenticate(accessToken);
 * await auth.requestEmailChange({ userId: identity.userId, password: 'Current-Password-1', newEmail: 'ada@new.example' });
 * ```
 */
export async function requestEmailChange(ctx: AuthContext, input: RequestEmailChangeInput<UserId>): Promise<void> {
  const { password, newEmail } = parseInput(requestEmailChangeSchema, input);
  const user = await requireActiveUser(ctx, input.userId);
  const now = ctx.clock.now();
  await reauthenticate(ctx, user, password, { flow: 'change_email', message: 'The password is wrong.', now, ip: input.ip });
  if (newEmail === user.email) {
    throw new AuthError('VALIDATION_FAILED', undefined, {
      fields: [{ field: 'newEmail', code: 'same_as_current', message: 'This is already the address of the account.' }],
    });
  }
  await limit(ctx, 'resendVerification', `email-change:${user.id}`, now);

  const data = await issueAddressCheck(ctx, {
    check: 'email-change',
    userId: user.id,
    email: newEmail,
    now,
    data: encodeChange({ email: newEmail, stamp: credentialStamp(user), sessionId: input.sessionId ?? null }),
  });
  ctx.emit({ type: 'email.change_requested', userId: user.id, at: now, ip: input.ip });
  await Promise.all([
    deliver(ctx, { template: 'emailChangeVerification', to: newEmail, userId: user.id, render: () => ctx.config.emails.emailChangeVerification(data) }),
    notifyEmailChange(ctx, { template: 'emailChangeRequested', userId: user.id, oldEmail: user.email, newEmail, at: now }),
  ]);
}

/**
 * Completes a change of address with the token or code sent to the new address: the account
 * takes the new (verified) address, every reset, verification and change token issued for the
 * old one stops working, and the old address is told.
 *
 * @throws AuthError `TOKEN_INVALID`, `TOKEN_EXPIRED`, `EMAIL_TAKEN` (another account took the
 * address meanwhile), `ACCOUNT_DISABLED`, `RATE_LIMITED` (code guesses), `VALIDATION_FAILED`.
 * @example
 * ```ts
 * const { user } = await auth.confirmEmailChange({ token }); // from the link sent to the new address
 * ```
 */
export async function confirmEmailChange(ctx: AuthContext, input: ConfirmEmailChangeInput<UserId>): Promise<ConfirmEmailChangeResult<Record<string, unknown>, UserId>> {
  const now = ctx.clock.now();
  const purposes = addressCheckPurposes('email-change');
  let result: ConsumeResult;
  if ('token' in input) {
    const { token } = parseInput(confirmEmailChangeTokenSchema, input);
    result = await consumeLinkToken(ctx, token, purposes.link, now);
  } else {
    const { userId, code } = parseInput(confirmEmailChangeCodeSchema, input);
    const owner = await ctx.store.findUserById(userId);
    if (owner) await limit(ctx, 'verifyCode', owner.email, now);
    result = owner ? await consumeCode(ctx, owner.id, purposes.code, code, now) : await consumeCodeForNobody(ctx, purposes.code, now);
  }
  const change = result.ok ? decodeChange(result.record.data) : null;
  if (!result.ok || change === null) {
    const reason = result.ok ? 'invalid' : result.reason;
    ctx.emit({ type: 'email.verification_failed', reason, ...(result.record ? { userId: result.record.userId } : {}), at: now, ip: input.ip });
    throw tokenError(reason);
  }
  const user = await ctx.store.findUserById(result.record.userId);
  if (!user) throw new AuthError('TOKEN_INVALID');
  if (user.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');
  // Asked for under other credentials: a reset or password change since then voids it, even
  // a token issued concurrently with that change (which the voiding may have missed).
  if (!safeEqual(change.stamp, credentialStamp(user))) {
    ctx.emit({ type: 'email.verification_failed', reason: 'credentials_changed', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('TOKEN_INVALID');
  }

  const patch: UserPatch = { email: change.email, emailVerifiedAt: now, updatedAt: now };
  if (user.status === 'pending') patch.status = 'active';
  let updated: UserRecord | null;
  try {
    // Compare-and-set on what was judged above: a reset, a disable or another change of
    // address that lands meanwhile wins, and this one is refused.
    updated = await ctx.store.updateUser(user.id, patch, { expect: { email: user.email, status: user.status, passwordHash: user.passwordHash } });
  } catch (error) {
    if (isAuthError(error, 'EMAIL_TAKEN')) ctx.emit({ type: 'email.verification_failed', reason: 'email_taken', userId: user.id, at: now, ip: input.ip });
    throw error;
  }
  if (!updated) {
    ctx.emit({ type: 'email.verification_failed', reason: 'account_changed', userId: user.id, at: now, ip: input.ip });
    throw new AuthError('TOKEN_INVALID');
  }
  await endAccountState(ctx, 'email_changed', { userId: user.id, exceptSessionId: change.sessionId ?? undefined, now, ip: input.ip });
  ctx.emit({ type: 'email.changed', userId: user.id, at: now, ip: input.ip });
  await notifyEmailChange(ctx, { template: 'emailChanged', userId: user.id, oldEmail: user.email, newEmail: change.email, at: now });
  return { user: toAuthUser(updated) };
}
