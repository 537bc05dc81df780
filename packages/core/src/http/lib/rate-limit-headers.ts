import type { RateLimitReport, RateLimitResult } from '../../rate-limit/report.js';

/** The result with the fewest requests left; on a tie, the longest wait, then the smallest limit. */
function mostRestrictive(results: readonly RateLimitResult[]): RateLimitResult | null {
  let best: RateLimitResult | null = null;
  for (const result of results) {
    if (
      best === null ||
      result.remaining < best.remaining ||
      (result.remaining === best.remaining && (result.resetSeconds > best.resetSeconds || (result.resetSeconds === best.resetSeconds && result.limit < best.limit)))
    ) {
      best = result;
    }
  }
  return best;
}

/**
 * The `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers of a request
 * (draft-ietf-httpapi-ratelimit-headers, three-header form) from what its rules reported: the
 * most restrictive rule it was counted against, or, when it was refused, the rule that refused
 * it with nothing remaining and the `Retry-After` delay as its reset. Empty when no reported rule
 * applies, or when a rule that is not reported refused the request (`Retry-After` alone then
 * tells the client when to come back).
 */
export function rateLimitHeaders(report: RateLimitReport): Record<string, string> {
  const refused = report.refused;
  const best = refused === null ? mostRestrictive(report.counted) : refused.limit === null ? null : { limit: refused.limit, remaining: 0, resetSeconds: refused.retryAfter };
  if (best === null) return {};
  return { 'ratelimit-limit': String(best.limit), 'ratelimit-remaining': String(best.remaining), 'ratelimit-reset': String(best.resetSeconds) };
}
