import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError, isAuthError } from '../errors.js';
import { consumeCode, consumeCodeAlone, consumeCodeForNobody, consumeLinkToken, tokenError, type ConsumeResult } from '../lib/one-time-tokens.js';
import { startSession, type TokenPair } from '../sessions/sessions.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import type { OneTimeTokenPurpose, UserId, UserPatch, UserRecord } from '../ports/store.js';
import { userIdInputSchema, type AppUserId } from '../user-ids/user-ids.js';
import { limit } from '../rate-limit/limiter.js';
import { emailSchema, tokenInputSchema } from '../schemas.js';
import { addressCheckPurposes } from './send-verification.js';

/** A code as typed: spaces, dashes and case do not matter. */
export const codeInputSchema = z.string().min(1).max(64);

/** Input of {@link verifyEmail} with the emailed link's token. */
export const verifyEmailTokenSchema = z.object({ token: tokenInputSchema });
/** Input of {@link verifyEmail} with the address and the emailed code. */
export const verifyEmailCodeSchema = z.object({ email: emailSchema, code: codeInputSchema });
/** Input of {@link verifyEmail} with the code only, for a caller already identified by an access token. */
export const verifyEmailUserCodeSchema = z.object({ userId: userIdInputSchema, code: codeInputSchema });
/** Input of {@link verifyEmail} with the code alone (`emailVerification.codeOnly`). */
export const verifyEmailCodeOnlySchema = z.object({ code: codeInputSchema });

/**
 * Input of {@link verifyEmail}: the token from the emailed link, or the emailed code with the
 * address, or the code with the user id of an authenticated caller, or (with
 * `emailVerification.codeOnly`) the code alone. A `userId` must come from the caller's verified
 * access token, never from the request body.
 */
export type VerifyEmailInput<Id extends UserId = AppUserId> = RequestMeta &
  VerifyEmailOptions &
  ({ token: string } | { email: string; code: string } | { userId: Id; code: string } | { code: string });

/** Options of {@link verifyEmail}. */
export interface VerifyEmailOptions {
  /**
   * Start a session when `emailVerification.autoLoginOnVerify` is on (default `true`). The emailed
   * link opened by GET passes `false`: a link can be opened cross-site, and a session it started
   * would log the browser into whichever account sent the link (login CSRF).
   */
  autoLogin?: boolean;
}

/** Result of {@link verifyEmail}. */
export interface VerifyEmailResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  user: AuthUser<P, Id>;
  /** Tokens when `emailVerification.autoLoginOnVerify` is on (never for a disabled user or a link opened again); `null` otherwise. */
  tokens: TokenPair | null;
}

/**
 * Verifies an email address with the emailed link token or code: the address is marked
 * verified and a `pending` account becomes `active` (a `disabled` one stays disabled).
 *
 * Each token and code works once. A link opened again while still valid (mail scanners open
 * links before people do) answers success for an address that is verified, without tokens.
 * A code dies after `codeAttempts` wrong guesses; an unknown address fails exactly like a
 * wrong code.
 *
 * @throws AuthError `TOKEN_INVALID`, `TOKEN_EXPIRED`, `VALIDATION_FAILED`, `RATE_LIMITED`
 * (code guesses per account, rule `verifyCode`, and per client address, rule `verifyCodePerIp`).
 * @example
 * ```ts
 * await auth.verifyEmail({ token }); // from GET /verify-email/:token
 * await auth.verifyEmail({ email: 'ada@example.com', code: 'K7P-XM2' });
 * await auth.verifyEmail({ userId: identity.userId, code: 'K7PXM2' }); // identity from auth.authenticate()
 * await auth.verifyEmail({ code: '482913', ip }); // with emailVerification.codeOnly
 * ```
 */
export async function verifyEmail(ctx: AuthContext, input: VerifyEmailInput<UserId>): Promise<VerifyEmailResult<Record<string, unknown>, UserId>> {
  const now = ctx.clock.now();
  const purposes = addressCheckPurposes('verification');
  const isLink = 'token' in input;
  // Consumed first, in one atomic store call: of concurrent uses (and parallel code guesses),
  // only the request that consumed the token or code goes on to mark the address verified.
  const result = isLink
    ? await consumeLinkToken(ctx, parseInput(verifyEmailTokenSchema, input).token, purposes.link, now)
    : await judgeCode(ctx, input, purposes.code, now);
  if (!result.ok && result.reason === 'used') {
    // A link opened again (a mail scanner opened it first) answers success once verified.
    const owner = isLink ? await verifiedOwner(ctx, result.record?.userId, result.record?.data) : null;
    if (owner) return { user: toAuthUser(owner), tokens: null };
  }
  if (!result.ok) {
    ctx.emit({ type: 'email.verification_failed', reason: result.reason, ...(result.record ? { userId: result.record.userId } : {}), at: now, ip: input.ip });
    throw tokenError(result.reason);
  }
  const { record } = result;
  let verified: UserRecord;
  try {
    verified = await markEmailVerified(ctx, record.userId, record.data, now);
  } catch (error) {
    // Not verified. The address changed under the token: it stays used. Anything else (the store
    // failed): the token is given back for a retry.
    if (isAuthError(error, 'TOKEN_INVALID')) ctx.emit({ type: 'email.verification_failed', reason: 'address_changed', userId: record.userId, at: now, ip: input.ip });
    else await ctx.store.releaseOneTimeToken(record.hash, now).catch(() => false);
    throw error;
  }
  ctx.emit({ type: 'email.verified', userId: verified.id, at: now, ip: input.ip });
  // The link and the code of one email are two ways to do the same thing: the other one dies too.
  await ctx.store.voidOneTimeTokens(verified.id, [purposes.link, purposes.code], now);

  if (!ctx.config.emailVerification.autoLoginOnVerify || input.autoLogin === false || verified.status === 'disabled') {
    return { user: toAuthUser(verified), tokens: null };
  }
  const tokens = await startSession(ctx, verified, input, now);
  const loggedIn = (await ctx.store.updateUser(verified.id, { lastLoginAt: now, updatedAt: now })) ?? { ...verified, lastLoginAt: now };
  ctx.emit({ type: 'login.succeeded', userId: verified.id, sessionId: tokens.sessionId, at: now, ip: input.ip });
  return { user: toAuthUser(loggedIn), tokens };
}

async function judgeCode(ctx: AuthContext, input: VerifyEmailInput<UserId>, purpose: OneTimeTokenPurpose, now: Date): Promise<ConsumeResult> {
  const alone = !('userId' in input) && !('email' in input) && ctx.config.emailVerification.codeOnly;
  // Guesses per client address. A code sent alone names no account whose budget it could spend,
  // so there the address is the limit, and callers without one share a single budget.
  if (alone || input.ip !== undefined) await limit(ctx, 'verifyCodePerIp', input.ip ?? 'unknown', now);
  if (alone) return consumeCodeAlone(ctx, purpose, parseInput(verifyEmailCodeOnlySchema, input).code, now);
  let user: UserRecord | null;
  let code: string;
  if ('userId' in input) {
    const parsed = parseInput(verifyEmailUserCodeSchema, input);
    code = parsed.code;
    user = await ctx.store.findUserById(parsed.userId);
    if (user) await limit(ctx, 'verifyCode', user.email, now);
  } else {
    const parsed = parseInput(verifyEmailCodeSchema, input);
    code = parsed.code;
    // Counted per address whether or not it has an account, so the limit says nothing either.
    await limit(ctx, 'verifyCode', parsed.email, now);
    user = await ctx.store.findUserByEmail(parsed.email);
  }
  return user ? consumeCode(ctx, user.id, purpose, code, now) : consumeCodeForNobody(ctx, purpose, now);
}

/** The owner of a used link token when the address it was sent to is verified (the link was opened again). */
async function verifiedOwner(ctx: AuthContext, userId: UserId | undefined, email: string | null | undefined): Promise<UserRecord | null> {
  if (userId === undefined) return null;
  const user = await ctx.store.findUserById(userId);
  return user && user.emailVerifiedAt !== null && (email === null || email === undefined || email === user.email) ? user : null;
}

/**
 * Marks the user's address verified, once: sets `emailVerifiedAt` and moves a `pending` account
 * to `active`; a `disabled` account stays disabled. Compare-and-set on the address and status
 * read, so a disable or a change of address made meanwhile is never overwritten; a lost race is
 * judged again on a fresh read. Returns the user as stored afterwards.
 * @throws AuthError `TOKEN_INVALID` when the user is gone or has another address than the token's.
 */
async function markEmailVerified(ctx: AuthContext, userId: UserId, address: string | null, now: Date): Promise<UserRecord> {
  for (let round = 0; round < 3; round++) {
    const user = await ctx.store.findUserById(userId);
    // A token only works for the address it was sent to: not after the account's address changed.
    if (!user || (address !== null && address !== user.email)) throw new AuthError('TOKEN_INVALID');
    if (user.emailVerifiedAt !== null) return user;
    const patch: UserPatch = { emailVerifiedAt: now, updatedAt: now };
    if (user.status === 'pending') patch.status = 'active';
    const updated = await ctx.store.updateUser(user.id, patch, { expect: { status: user.status, email: user.email } });
    if (updated) return updated;
  }
  // Three lost races in a row: the account is changing under us; the caller may retry.
  throw new AuthError('SERVICE_UNAVAILABLE');
}
