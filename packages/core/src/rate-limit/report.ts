/** The outcome of one counted hit, for `RateLimit-*` headers. */
export interface RateLimitResult {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * What the rate-limit rules said about one request, as the flows and the HTTP layer counted
 * them: the HTTP layer hands one to a flow in its `RequestMeta` and reports `RateLimit-*`
 * headers from it, so nothing recomputes a flow's keys.
 *
 * Only rules whose headers are reported (see `REPORTED_RULES`) record their results here: the
 * per-IP rule and the two login rules. Rules that count per email address (reset, resend,
 * verification codes) and the lockout are not reported: their budgets are the account's
 * business, and a lockout must look like a wrong password.
 */
export interface RateLimitReport {
  /** Results of the reported rules the request was counted against. */
  counted: RateLimitResult[];
  /** The refusal that answered the request; `limit` is `null` when a rule that is not reported refused it. */
  refused: { retryAfter: number; limit: number | null } | null;
}

/** An empty report, for one request. */
export function rateLimitReport(): RateLimitReport {
  return { counted: [], refused: null };
}
