import { z } from 'zod';
import type { AuthContext, RequestMeta } from '../context.js';
import { issueLinkToken } from '../lib/one-time-tokens.js';
import { parseInput } from '../lib/validation.js';
import { deliver } from '../mail/deliver.js';
import { queryLink } from '../mail/links.js';
import type { UserRecord } from '../ports/store.js';
import { limit } from '../rate-limit/limiter.js';
import { emailSchema } from '../schemas.js';

/** Input of {@link requestPasswordReset}. */
export interface RequestPasswordResetInput extends RequestMeta {
  email: string;
}

/** Schema of {@link RequestPasswordResetInput}'s body fields. */
export const requestPasswordResetSchema = z.object({ email: emailSchema });

/**
 * Emails a single-use password-reset link (`appUrl` + `passwordReset.linkPath` + `?token=`)
 * to the address, when it has an enabled account. The previous reset link stops working.
 *
 * Answers the same way, after the same work, whether or not the address has an account: the
 * token is issued and the email sent after the answer (`auth.settled()` waits for them), so
 * neither the store's writes nor the mailer's latency or failure can tell. A failure there is
 * logged and reported as `mail.failed`. Never locks or changes the account. Requests over the
 * `passwordReset` rate limit (per address, default 3 an hour, counted whether or not the
 * address has an account) are refused with `RATE_LIMITED`.
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
    ctx.emit({ type: 'password.reset_requested', at: now, ip: input.ip });
    return;
  }
  ctx.emit({ type: 'password.reset_requested', userId: user.id, at: now, ip: input.ip });
  // Up to here every address costs the same. Issuing the token is a write in a transaction,
  // which only an account has: it runs after the answer.
  ctx.defer('password reset email', () => sendResetLink(ctx, user, now));
}

/** Issues the reset token and emails its link; a failing store or mailer is logged and reported as `mail.failed`. */
async function sendResetLink(ctx: AuthContext, requested: UserRecord, now: Date): Promise<void> {
  const ttl = ctx.config.passwordReset.ttl;
  // The account may have changed since the answer (a disable, a reset, a new address): the
  // lifecycle voided every token then, and a token issued now must not outlive that change.
  const user = await ctx.store.findUserById(requested.id);
  if (!user || user.status === 'disabled' || user.email !== requested.email || user.passwordHash !== requested.passwordHash) return;
  await deliver(ctx, {
    template: 'passwordReset',
    to: user.email,
    userId: user.id,
    // The token is issued as part of rendering, so a store failure is reported like any failed
    // send; and with no mailer configured none is issued that nobody could ever receive.
    render: async () => {
      const token = await issueLinkToken(ctx, { userId: user.id, purpose: 'password-reset', ttl, now, data: user.email });
      return ctx.config.emails.passwordReset({
        appName: ctx.config.appName,
        email: user.email,
        // Built from `appUrl` only, never from the request: see mail/links.ts.
        link: queryLink(ctx, ctx.config.passwordReset.linkPath, token),
        ttl,
      });
    },
  });
}
