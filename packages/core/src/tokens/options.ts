import { z } from 'zod';
import { duration, type Duration } from '../lib/duration.js';

/** How access tokens are issued and checked. */
export interface AccessTokenOptions {
  /** Lifetime (default 15 min). */
  ttl?: Duration;
  /** `iss` claim (default `gatehouse`). */
  issuer?: string;
  /** `aud` claim (default `gatehouse`). */
  audience?: string;
  /** How far in the future a token's `iat` may be, for instances whose clocks differ (default 5 s, at most 5 min). Expiry is enforced exactly. */
  clockSkew?: Duration;
  /**
   * Verified tokens kept in memory so a repeat request skips the signature check (default
   * 10,000; 0 disables). Expiry is still checked on every use, and so is the session
   * unless `session.stateless`.
   */
  cacheSize?: number;
}

/** Validates the `accessToken` options and fills in their defaults; `options.test-d.ts` keeps it in step with {@link AccessTokenOptions}. */
export const accessTokenOptionsSchema = z
  .strictObject({
    ttl: duration('accessToken.ttl').default(900),
    issuer: z.string().min(1).default('gatehouse'),
    audience: z.string().min(1).default('gatehouse'),
    clockSkew: duration('accessToken.clockSkew', 300).default(5),
    cacheSize: z.number().int().min(0).max(10_000_000).default(10_000),
  })
  .prefault({});

/** The `accessToken` options after validation, durations in seconds. */
export type ResolvedAccessTokenOptions = z.output<typeof accessTokenOptionsSchema>;
