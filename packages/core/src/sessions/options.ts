import { z } from 'zod';
import { duration, type Duration } from '../lib/duration.js';

/** How sessions and their refresh tokens live and end. */
export interface SessionOptions {
  /** A session ends when its refresh token is unused for this long (default 7 days). */
  idleTtl?: Duration;
  /** A session ends this long after login, whatever its use (default 30 days). */
  absoluteTtl?: Duration;
  /** How long a just-rotated refresh token may be replayed by a client's concurrent retry (default 10 s; 0 disables). */
  refreshGraceWindow?: Duration;
  /** Live sessions kept per user; a new login ends the oldest beyond it (default `null`: no limit). */
  maxPerUser?: number | null;
  /** Skip the per-request session check: faster, but logout takes effect only when the access token expires (default `false`). */
  stateless?: boolean;
  /**
   * Rotate the refresh token on every use (default `true`: each token works once, and a
   * replay ends the session). `false` keeps one refresh token for the whole session, for
   * clients of APIs that never hand out a new one (reference contract 000); the session
   * then ends `idleTtl` after login (capped by `absoluteTtl`), and a stolen refresh token
   * is not detected by reuse.
   */
  rotateRefreshTokens?: boolean;
  /**
   * Secret (at least 32 bytes) under which each successor refresh token is derived, so that a
   * copy of the database alone cannot derive a live refresh token. Default: derived from
   * `secret`, or from the signing key of `keys` (rotating that key then only makes a client's
   * retry in the grace window, at that moment, count as a reuse). Set it explicitly with `keys`
   * when you rotate signing keys often.
   */
  rotationSecret?: string | Uint8Array;
}

// Typed as any Uint8Array (a Buffer, say), not only one over an ArrayBuffer, like the option.
const bytes: z.ZodType<Uint8Array, Uint8Array> = z.instanceof(Uint8Array);

/** Validates the `session` options and fills in their defaults; `options.test-d.ts` keeps it in step with {@link SessionOptions}. */
export const sessionOptionsSchema = z
  .strictObject({
    idleTtl: duration('session.idleTtl').default(7 * 86_400),
    absoluteTtl: duration('session.absoluteTtl').default(30 * 86_400),
    refreshGraceWindow: duration('session.refreshGraceWindow', 300).default(10),
    maxPerUser: z.number().int().min(1).nullable().default(null),
    stateless: z.boolean().default(false),
    rotateRefreshTokens: z.boolean().default(true),
    rotationSecret: z
      .union([z.string(), bytes])
      .refine((value) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength) >= 32, {
        message: 'must be at least 32 bytes (256 bits) of random data',
      })
      .optional(),
  })
  .prefault({});

/** The `session` options after validation, durations in seconds, without the rotation secret. */
export type ResolvedSessionOptions = Omit<z.output<typeof sessionOptionsSchema>, 'rotationSecret'>;

/** The session settings that flows read: everything but the rotation secret. */
export function resolveSessionOptions(parsed: z.output<typeof sessionOptionsSchema>): ResolvedSessionOptions {
  // The rotation secret goes to the context only, never into the config that apps can read.
  const { rotationSecret: _rotationSecret, ...session } = parsed;
  return session;
}
