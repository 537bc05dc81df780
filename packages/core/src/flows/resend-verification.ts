import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { parseInput } from '../lib/validation.js';
import { limit } from '../rate-limit/limiter.js';
import { emailSchema } from '../schemas.js';
import { sendVerification } from './send-verification.js';

/** Input of {@link resendVerification}. */
export interface ResendVerificationInput extends RequestMeta {
  email: string;
}

/** Schema of {@link ResendVerificationInput}'s body fields. */
export const resendVerificationSchema = z.object({ email: emailSchema });

/**
 * Sends a new verification email (a new link and/or code; the previous ones stop working).
 *
 * Answers the same way, after the same work, whether the address has no account, an
 * unverified one, a verified one or a disabled one: only an unverified, enabled account gets
 * an email, and its tokens are issued and sent after the answer (`auth.settled()` waits for
 * them), so neither the store's writes nor the mailer can tell. Requests over the
 * `resendVerification` rate limit (per address, default 3 an hour, counted whether or not the
 * address has an account) are refused with `RATE_LIMITED`; a failing store or mailer after
 * the answer is logged and reported as `mail.failed`.
 *
 * @throws AuthError `VALIDATION_FAILED` for a malformed address; `RATE_LIMITED`; `SERVICE_UNAVAILABLE` when a store is down.
 * @example
 * ```ts
 * await auth.resendVerification({ email: 'ada@example.com' });
 * ```
 */
export async function resendVerification(ctx: AuthContext, input: ResendVerificationInput): Promise<void> {
  const { email } = parseInput(resendVerificationSchema, input);
  const now = ctx.clock.now();
  // Keyed by the address whether or not it has an account, so a 429 tells nothing about it.
  await limit(ctx, 'resendVerification', email, now);
  const user = await ctx.store.findUserByEmail(email);
  // Up to here every address costs the same; issuing the tokens (writes only an account has)
  // runs after the answer.
  if (user && user.emailVerifiedAt === null && user.status !== 'disabled') sendVerification(ctx, user, now);
}
