import type { AuthContext } from '../../context.js';
import { AuthError } from '../../errors.js';
import { loginRateLimitKeys } from '../../flows/login.js';
import { limit, peekLimit, type RateLimitPeek, type RateLimitResult } from '../../rate-limit/limiter.js';

/**
 * What the HTTP layer learns about rate limits while it answers one request, from which it
 * reports the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers
 * (draft-ietf-httpapi-ratelimit-headers, in its three-header form).
 *
 * The headers describe the rules the HTTP layer can see: the per-IP rule it counts itself on
 * every route, and on the login route the two login rules the flow counts (per account and
 * address, per address), read back from the store under the flow's own keys. Rules that other
 * flows count per email address (reset, resend, verification codes) and the lockout are not
 * reported: their keys are the flows' business, and a lockout must look like a wrong password.
 */
export interface RateLimitTrail {
  /** Results of the rules the HTTP layer counted itself. */
  counted: RateLimitResult[];
  /** The login flow's keys, once the body held a valid email (the flow counts them). */
  login: { loginPerIp: string | null; login: string } | null;
  /** The refusal that answered the request; `limit` is `null` when a flow's rule refused it. */
  refused: { retryAfter: number; limit: number | null } | null;
}

/** An empty trail, for one request. */
export function rateLimitTrail(): RateLimitTrail {
  return { counted: [], login: null, refused: null };
}

/**
 * Counts the request against the per-IP rule (every route but the standard documents) and
 * records the outcome on the trail.
 * @throws AuthError `RATE_LIMITED` over the limit, `SERVICE_UNAVAILABLE` when the store is down.
 */
export async function countPerIp(ctx: AuthContext, trail: RateLimitTrail, client: string, now: Date): Promise<void> {
  try {
    const result = await limit(ctx, 'perIp', client, now);
    if (result) trail.counted.push(result);
  } catch (error) {
    if (error instanceof AuthError && error.code === 'RATE_LIMITED') {
      trail.refused = { retryAfter: error.retryAfter ?? 1, limit: ctx.config.rateLimits.rules.perIp?.limit ?? null };
    }
    throw error;
  }
}

/** Notes the login flow's keys, so that its rules can be reported once it ran. */
export function noteLogin(trail: RateLimitTrail, email: string, client: string | null): void {
  trail.login = loginRateLimitKeys(email, client);
}

/** Notes a `RATE_LIMITED` that a flow threw (the per-IP refusal is already noted). */
export function noteRefusal(trail: RateLimitTrail, error: unknown): void {
  if (trail.refused === null && error instanceof AuthError && error.code === 'RATE_LIMITED') {
    trail.refused = { retryAfter: error.retryAfter ?? 1, limit: null };
  }
}

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

function headers(result: RateLimitResult): Record<string, string> {
  return { 'ratelimit-limit': String(result.limit), 'ratelimit-remaining': String(result.remaining), 'ratelimit-reset': String(result.resetSeconds) };
}

/**
 * The `RateLimit-*` headers of a request: the most restrictive rule it was counted against, or,
 * when it was refused, the rule that refused it with nothing remaining and the `Retry-After`
 * delay as its reset. Empty when no reported rule applies, or when a rule the HTTP layer does not
 * report refused the request (`Retry-After` alone then tells the client when to come back).
 * Reading the login rules back is best effort: if the store cannot answer, they are left out.
 */
export async function rateLimitHeaders(ctx: AuthContext, trail: RateLimitTrail, now: Date): Promise<Record<string, string>> {
  const login = trail.login;
  let peeked: RateLimitPeek[] = [];
  if (login !== null) {
    // The same order as the flow checks them, so the first exceeded one is the one that refused.
    const reads = await Promise.all([login.loginPerIp === null ? null : peekLimit(ctx, 'loginPerIp', login.loginPerIp, now), peekLimit(ctx, 'login', login.login, now)]);
    peeked = reads.filter((read): read is RateLimitPeek => read !== null);
  }
  const refused = trail.refused;
  if (refused !== null) {
    const limitValue = refused.limit ?? peeked.find((read) => read.exceeded)?.limit ?? null;
    return limitValue === null ? {} : headers({ limit: limitValue, remaining: 0, resetSeconds: refused.retryAfter });
  }
  const best = mostRestrictive([...trail.counted, ...peeked.map(({ limit: value, remaining, resetSeconds }) => ({ limit: value, remaining, resetSeconds }))]);
  return best === null ? {} : headers(best);
}
