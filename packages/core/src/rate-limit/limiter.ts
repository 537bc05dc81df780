import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { RateLimitHitOptions, RateLimitState } from '../ports/rate-limit-store.js';
import type { RateLimitReport, RateLimitResult } from './report.js';
import { REPORTED_RULES, type RateLimitRuleName } from './rules.js';

// What each rule's key counts, so that a store that must drop windows to bound its memory drops
// client-address windows and never an account's (a dropped account window is fresh guesses).
const RULE_SCOPES: Record<RateLimitRuleName, RateLimitHitOptions> = {
  perIp: { scope: 'client' },
  loginPerIp: { scope: 'client' },
  login: { scope: 'account' },
  passwordReset: { scope: 'account' },
  resendVerification: { scope: 'account' },
  verifyCode: { scope: 'account' },
  verifyCodePerIp: { scope: 'client' },
};
const LOCKOUT_SCOPE: RateLimitHitOptions = { scope: 'account' };

export type { RateLimitResult } from './report.js';

async function guarded<T>(ctx: AuthContext, fallback: T, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof AuthError) || error.code !== 'SERVICE_UNAVAILABLE') throw error;
    if (ctx.config.rateLimits.failMode === 'closed') throw error;
    ctx.logger.warn('gatehouse: rate-limit store unreachable; failing open', { error: error.cause });
    return fallback;
  }
}

/**
 * Counts one hit of `rule` for `key` and refuses it when over the limit. The outcome of a
 * reported rule (and any refusal) is recorded on `report`, when the caller gave one.
 *
 * Returns `null` when the rule is turned off (or the store is down in `open` fail mode).
 * @throws AuthError `RATE_LIMITED` with `retryAfter` in seconds; `SERVICE_UNAVAILABLE` when
 * the store is down and the fail mode is `closed`.
 */
export async function limit(ctx: AuthContext, rule: RateLimitRuleName, key: string, now: Date, report?: RateLimitReport): Promise<RateLimitResult | null> {
  const resolved = ctx.config.rateLimits.rules[rule];
  if (!resolved) return null;
  const state = await guarded<RateLimitState | null>(ctx, null, () => ctx.rateLimitStore.hit(`${rule}:${key}`, resolved.windowMs, now, RULE_SCOPES[rule]));
  if (!state) return null;
  const resetSeconds = Math.max(1, Math.ceil((state.resetAt.getTime() - now.getTime()) / 1000));
  const reported = REPORTED_RULES.has(rule);
  if (state.count > resolved.limit) {
    ctx.emit({ type: 'rate_limit.exceeded', rule, at: now });
    if (report) report.refused ??= { retryAfter: resetSeconds, limit: reported ? resolved.limit : null };
    throw new AuthError('RATE_LIMITED', undefined, { retryAfter: resetSeconds });
  }
  const result = { limit: resolved.limit, remaining: resolved.limit - state.count, resetSeconds };
  if (report && reported) report.counted.push(result);
  return result;
}

/** True while the account is locked out (failures over the threshold in the current window); counts nothing. */
export async function isLockedOut(ctx: AuthContext, accountKey: string, now: Date): Promise<boolean> {
  const lockout = ctx.config.rateLimits.lockout;
  if (!lockout) return false;
  const state = await guarded(ctx, null, () => ctx.rateLimitStore.peek(`lockout:${accountKey}`, now));
  return state !== null && state.count >= lockout.threshold;
}

/** Counts one failed login against the account's lockout budget. */
export async function recordLoginFailure(ctx: AuthContext, accountKey: string, now: Date): Promise<void> {
  const lockout = ctx.config.rateLimits.lockout;
  if (!lockout) return;
  const state = await guarded(ctx, null, () => ctx.rateLimitStore.hit(`lockout:${accountKey}`, lockout.windowMs, now, LOCKOUT_SCOPE));
  if (state && state.count === lockout.threshold) ctx.emit({ type: 'account.locked', at: now });
}

/** Lifts the account's lockout, e.g. once its owner proved control of the address by a password reset. */
export async function clearLockout(ctx: AuthContext, accountKey: string): Promise<void> {
  if (!ctx.config.rateLimits.lockout) return;
  await guarded(ctx, undefined, () => ctx.rateLimitStore.reset(`lockout:${accountKey}`));
}

/**
 * Counts one request against a silent rule: `false` when over the limit (the `limit` helper
 * has reported it as an event), so the caller does nothing and answers as usual. For limits
 * whose refusal would differ between existing and unknown accounts.
 */
export async function withinLimit(ctx: AuthContext, rule: 'resendVerification' | 'passwordReset', key: string, now: Date): Promise<boolean> {
  try {
    await limit(ctx, rule, key, now);
    return true;
  } catch (error) {
    if (error instanceof AuthError && error.code === 'RATE_LIMITED') return false;
    throw error;
  }
}
