import { z } from 'zod';
import { duration, type Duration } from '../lib/duration.js';

// The options of the three things a user confirms with a one-time token that we email: their
// address, a password reset and a new address. Their links are built by `links.ts`, from
// `appUrl` and these paths.

/** How email addresses are verified. */
export interface EmailVerificationOptions {
  /** `link` (default), a short `code`, or `both` in one email. */
  method?: 'link' | 'code' | 'both';
  /** Refuse login until the address is verified (default `true`). */
  requiredForLogin?: boolean;
  /** Hand out tokens when verification succeeds (default `false`). */
  autoLoginOnVerify?: boolean;
  /** Lifetime of a link (default 24 h). */
  linkTtl?: Duration;
  /** Lifetime of a code (default 10 min). */
  codeTtl?: Duration;
  /** Wrong guesses before a code is void (default 5). */
  codeAttempts?: number;
  /**
   * Characters codes are drawn from (default `ABCDEFGHJKLMNPQRSTUVWXYZ23456789`: no 0/O or
   * 1/I, so a code read from a phone cannot be misread). `'0123456789'` gives numeric codes;
   * keep `codeLength` at 6 or more then, since the guess limits are what protect them.
   */
  codeAlphabet?: string;
  /** Characters in a code (default 6). */
  codeLength?: number;
  /** Path of the app's page (or Gatehouse route) that the emailed link opens, under `appUrl` (default `/auth/verify-email`); the token is added as a last path segment. */
  linkPath?: string;
  /**
   * Accept the verification code alone, without the address or a bearer token: the code finds
   * its account (default `false`). Codes are then unique among live codes, guesses are limited
   * per client address (rule `verifyCodePerIp`), and a code-only verification never starts a
   * session, so `autoLoginOnVerify` must stay off. See docs/security.md, "Code-only
   * verification", for what a guessed code gains an attacker. Turning it on or off voids the
   * codes already sent (users ask for a new one).
   */
  codeOnly?: boolean;
}

/** How password resets work. */
export interface PasswordResetOptions {
  /** Lifetime of a reset link (default 1 h). */
  ttl?: Duration;
  /** Path of the app's reset page under `appUrl`; the token is added as `?token=` (default `/reset-password`). */
  linkPath?: string;
}

/** How a change of email address is confirmed. Method, lifetimes and attempts follow {@link EmailVerificationOptions}. */
export interface EmailChangeOptions {
  /** Path of the page (or Gatehouse route) that the link sent to the new address opens, under `appUrl`; the token is added as a last path segment (default `/auth/confirm-email-change`). */
  linkPath?: string;
  /**
   * End every other session of the user when a change of address is confirmed (default `true`):
   * whoever held a session under the old address is out. The session that asked for the change
   * stays live.
   */
  endOtherSessions?: boolean;
}

const linkPath = z.string().regex(/^\/[^/\\]/, 'must be a path starting with a single "/"');

// `emailed-token-options.test-d.ts` keeps each schema in step with its interface.

/** Validates the `emailVerification` options and fills in their defaults. */
export const emailVerificationOptionsSchema = z
  .strictObject({
    method: z.enum(['link', 'code', 'both']).default('link'),
    requiredForLogin: z.boolean().default(true),
    autoLoginOnVerify: z.boolean().default(false),
    linkTtl: duration('emailVerification.linkTtl').default(86_400),
    codeTtl: duration('emailVerification.codeTtl').default(600),
    codeAttempts: z.number().int().min(1).max(20).default(5),
    codeAlphabet: z
      .string()
      .regex(/^[A-Z0-9]+$/, 'must be upper-case letters and digits (codes are compared upper-cased)')
      .refine((value) => new Set(value).size === value.length && value.length >= 10, { message: 'must have at least 10 distinct characters, each once' })
      .default('ABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
    codeLength: z.number().int().min(6).max(12).default(6),
    linkPath: linkPath.default('/auth/verify-email'),
    codeOnly: z.boolean().default(false),
  })
  .refine((options) => !options.codeOnly || options.method !== 'link', {
    message: "codeOnly needs codes: set method to 'code' or 'both'",
    path: ['codeOnly'],
  })
  .refine((options) => !options.codeOnly || !options.autoLoginOnVerify, {
    message: 'codeOnly cannot be combined with autoLoginOnVerify: whoever guessed any live code would be signed in to its account',
    path: ['autoLoginOnVerify'],
  })
  .prefault({});

/** Validates the `passwordReset` options and fills in their defaults. */
export const passwordResetOptionsSchema = z
  .strictObject({ ttl: duration('passwordReset.ttl').default(3600), linkPath: linkPath.default('/reset-password') })
  .prefault({});

/** Validates the `emailChange` options and fills in their defaults. */
export const emailChangeOptionsSchema = z
  .strictObject({ linkPath: linkPath.default('/auth/confirm-email-change'), endOtherSessions: z.boolean().default(true) })
  .prefault({});

/** The `emailVerification` options after validation, durations in seconds. */
export type ResolvedEmailVerificationOptions = z.output<typeof emailVerificationOptionsSchema>;
/** The `passwordReset` options after validation, durations in seconds. */
export type ResolvedPasswordResetOptions = z.output<typeof passwordResetOptionsSchema>;
/** The `emailChange` options after validation. */
export type ResolvedEmailChangeOptions = z.output<typeof emailChangeOptionsSchema>;
