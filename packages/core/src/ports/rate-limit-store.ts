/** The state of one rate-limit key in its current fixed window. */
export interface RateLimitState {
  /** Hits counted in the current window, including the one just made by {@link RateLimitStore.hit}. */
  count: number;
  /** When the current window ends and the count starts again from zero. */
  resetAt: Date;
}

/**
 * Counts hits per key in fixed windows, for rate limits and lockouts shared by every instance.
 *
 * A window starts at a key's first hit and lasts `windowMs`; the first hit at or after
 * `resetAt` starts a new window with count 1.
 */
export interface RateLimitStore {
  /**
   * Counts one hit for `key` and returns the state after it, atomically: N concurrent hits on
   * one key return the counts 1..N, each exactly once.
   */
  hit(key: string, windowMs: number, now: Date): Promise<RateLimitState>;
  /** The state of `key` without counting a hit, or `null` when it has no live window. */
  peek(key: string, now: Date): Promise<RateLimitState | null>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}
