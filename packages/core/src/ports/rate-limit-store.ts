/** The state of one rate-limit key in its current fixed window. */
export interface RateLimitState {
  /** Hits counted in the current window, including the one just made by {@link RateLimitStore.hit}. */
  count: number;
  /** When the current window ends and the count starts again from zero. */
  resetAt: Date;
}

/** Options of {@link RateLimitStore.hit}. */
export interface RateLimitHitOptions {
  /**
   * What the key counts: `client` for a client address (the `perIp` and `loginPerIp` rules),
   * `account` for an account (the `login`, `passwordReset`, `resendVerification` and
   * `verifyCode` rules, and the lockout). Gatehouse always passes it.
   *
   * Only a store that drops live windows to bound its memory needs it: it may drop `client`
   * windows, but must never drop a live `account` window, since that would hand an attacker
   * fresh password guesses. Stores that keep every window until it ends (Redis, Kysely) ignore
   * it. A hit without it counts as `client`, as before the option existed.
   */
  scope: 'client' | 'account';
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
   *
   * A store that has no room left to start a window for a new `account` key (see
   * {@link RateLimitHitOptions.scope}) must not forget a live one to make room: it answers
   * `count: Number.MAX_SAFE_INTEGER`, which every limit refuses, with `resetAt` when room is
   * expected to free up.
   */
  hit(key: string, windowMs: number, now: Date, options?: RateLimitHitOptions): Promise<RateLimitState>;
  /** The state of `key` without counting a hit, or `null` when it has no live window. */
  peek(key: string, now: Date): Promise<RateLimitState | null>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}
