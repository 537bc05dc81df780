import type { ResolvedConfig } from './config.js';
import type { AuthEvent } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Mailer } from './ports/mailer.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RandomSource } from './ports/random-source.js';
import type { RateLimitStore } from './ports/rate-limit-store.js';
import type { Store } from './ports/store.js';
import type { RateLimitReport } from './rate-limit/report.js';
import type { AccessTokenCodec } from './tokens/access-token.js';

/**
 * What every flow runs over: the ports, the resolved config and the event sink. Built once by
 * `createAuth`; two contexts never share state.
 */
export interface AuthContext {
  store: Store;
  /** `null` when no mailer is configured: flows that must send email then log and carry on. */
  mailer: Mailer | null;
  rateLimitStore: RateLimitStore;
  clock: Clock;
  hasher: PasswordHasher;
  random: RandomSource;
  logger: Logger;
  config: ResolvedConfig;
  accessTokens: AccessTokenCodec;
  /** Key that successor refresh tokens are derived under; never stored (see `nextRefreshToken`). */
  rotationSecret: Uint8Array;
  /** Reports an event to the configured sink; never throws. */
  emit(event: AuthEvent): void;
  /** A hash of a random password, verified against when an account does not exist, so unknown and known emails cost the same. */
  dummyHash(): Promise<string>;
  /**
   * Runs `work` after the current request has been answered, and tracks it until it has
   * finished (`auth.settled()` waits for it). For work whose cost would tell something if it
   * ran before the answer: the token and email of a reset for an address that has an account.
   * A failure is logged, never thrown; work that must report an event reports it itself
   * (`deliver` reports `mail.failed`). `label` names the work in logs: no secrets.
   */
  defer(label: string, work: () => Promise<void>): void;
}

/** Request details a flow may record (session list, events, rate-limit keys). */
export interface RequestMeta {
  /** The client's IP address, as resolved by the HTTP layer. */
  ip?: string | undefined;
  /** The client's User-Agent header. */
  userAgent?: string | undefined;
  /** Where the flow records what its rate limits said (the HTTP layer reports `RateLimit-*` headers from it). */
  rateLimits?: RateLimitReport | undefined;
}
