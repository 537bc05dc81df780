import { z } from 'zod';
import { duration, durationSeconds, type Duration } from '../lib/duration.js';

/** A limit of `limit` hits per `window`. */
export interface RateLimitRule {
  limit: number;
  window: Duration;
}

/** Rate limits and lockout. Every rule can be changed, or turned off with `false`. */
export interface RateLimitOptions {
  /**
   * What happens when the rate-limit store cannot be reached: `closed` (default) refuses the
   * request with `SERVICE_UNAVAILABLE`; `open` lets it through and logs. Closed is the safe
   * default for login: an attacker who can take the store down must not get unlimited guesses.
   */
  failMode?: 'closed' | 'open';
  /** Login attempts per account and client address (default 5 a minute). */
  login?: RateLimitRule | false;
  /** Login attempts per client address, whatever the account (default 30 a minute). */
  loginPerIp?: RateLimitRule | false;
  /** Password-reset requests per account (default 3 an hour). */
  passwordReset?: RateLimitRule | false;
  /** Verification emails per account (default 3 an hour). */
  resendVerification?: RateLimitRule | false;
  /** Verification-code guesses per account, across reissued codes (default 10 per 10 minutes). */
  verifyCode?: RateLimitRule | false;
  /**
   * Verification-code guesses per client address, whatever the account (default 30 per 10
   * minutes). It is what limits guesses when `emailVerification.codeOnly` lets a code be sent
   * without its address.
   */
  verifyCodePerIp?: RateLimitRule | false;
  /** Requests per client address across every auth route (default 100 a minute; applied by the HTTP layer). */
  perIp?: RateLimitRule | false;
  /**
   * Account lockout: after `threshold` failed logins for one account within `window`, logins
   * for it are refused (with the same answer as a wrong password) until the window ends.
   * Password reset is never blocked. Default 100 failures an hour.
   */
  lockout?: { threshold: number; window: Duration } | false;
}

/** Names of the rules that {@link limit} applies. */
export type RateLimitRuleName = 'login' | 'loginPerIp' | 'passwordReset' | 'resendVerification' | 'verifyCode' | 'verifyCodePerIp' | 'perIp';

/** Every rule, in the order they are resolved; `rules.test-d.ts` checks that none is missing. */
export const RULE_NAMES = ['login', 'loginPerIp', 'passwordReset', 'resendVerification', 'verifyCode', 'verifyCodePerIp', 'perIp'] as const satisfies readonly RateLimitRuleName[];

/**
 * The rules whose state a response reports in its `RateLimit-*` headers: the per-IP rule the
 * HTTP layer counts, and the two login rules. The others count per email address, and their
 * budgets are the account's business.
 */
export const REPORTED_RULES: ReadonlySet<RateLimitRuleName> = new Set<RateLimitRuleName>(['perIp', 'loginPerIp', 'login']);

/** A rule with its window in milliseconds. */
export interface ResolvedRule {
  limit: number;
  windowMs: number;
}

/** Rate-limit settings after validation. */
export interface ResolvedRateLimits {
  failMode: 'closed' | 'open';
  rules: Record<RateLimitRuleName, ResolvedRule | null>;
  lockout: { threshold: number; windowMs: number } | null;
}

/** The defaults, taken from the contracts our users replace. */
export const DEFAULT_RATE_LIMITS: Required<RateLimitOptions> = {
  failMode: 'closed',
  login: { limit: 5, window: '1m' },
  loginPerIp: { limit: 30, window: '1m' },
  passwordReset: { limit: 3, window: '1h' },
  resendVerification: { limit: 3, window: '1h' },
  verifyCode: { limit: 10, window: '10m' },
  verifyCodePerIp: { limit: 30, window: '10m' },
  perIp: { limit: 100, window: '1m' },
  lockout: { threshold: 100, window: '1h' },
};

const ruleSchema = z.union([z.literal(false), z.strictObject({ limit: z.number().int().min(1), window: duration('window') })]);

/** Validates the `rateLimits` option; `rules.test-d.ts` keeps it in step with {@link RateLimitOptions}. */
export const rateLimitsSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      failMode: z.enum(['closed', 'open']).optional(),
      login: ruleSchema.optional(),
      loginPerIp: ruleSchema.optional(),
      passwordReset: ruleSchema.optional(),
      resendVerification: ruleSchema.optional(),
      verifyCode: ruleSchema.optional(),
      verifyCodePerIp: ruleSchema.optional(),
      perIp: ruleSchema.optional(),
      lockout: z.union([z.literal(false), z.strictObject({ threshold: z.number().int().min(1), window: duration('lockout.window') })]).optional(),
    }),
  ])
  .default({});

/** Every rule and the lockout as the limiter reads them: the given ones, the defaults for the others, windows in milliseconds. */
export function resolveRateLimits(options: z.output<typeof rateLimitsSchema>): ResolvedRateLimits {
  const off = options === false;
  const rules = {} as ResolvedRateLimits['rules'];
  for (const name of RULE_NAMES) {
    const given = off ? false : options[name];
    if (given === false) rules[name] = null;
    else if (given) rules[name] = { limit: given.limit, windowMs: given.window * 1000 };
    else {
      const fallback = DEFAULT_RATE_LIMITS[name] as { limit: number; window: string };
      rules[name] = { limit: fallback.limit, windowMs: (durationSeconds(fallback.window) ?? 0) * 1000 };
    }
  }
  const lockoutGiven = off ? false : options.lockout;
  const lockoutDefault = DEFAULT_RATE_LIMITS.lockout as { threshold: number; window: string };
  return {
    failMode: (off ? undefined : options.failMode) ?? 'closed',
    rules,
    lockout:
      lockoutGiven === false
        ? null
        : lockoutGiven
          ? { threshold: lockoutGiven.threshold, windowMs: lockoutGiven.window * 1000 }
          : { threshold: lockoutDefault.threshold, windowMs: (durationSeconds(lockoutDefault.window) ?? 0) * 1000 },
  };
}
