import { KeyObject, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { durationSeconds, type Duration } from './lib/duration.js';
import type { AuthEvent } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Mailer } from './ports/mailer.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RandomSource } from './ports/random-source.js';
import type { RateLimitStore } from './ports/rate-limit-store.js';
import type { Store } from './ports/store.js';
import { defaultEmailTemplates, type EmailTemplates } from './mail/email-templates.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './password/policy.js';
import { DEFAULT_RATE_LIMITS, type RateLimitOptions, type RateLimitRuleName, type ResolvedRateLimits } from './rate-limit/rules.js';
import { RESERVED_PROFILE_FIELDS, defaultProfileSchema, type ProfileSchema } from './profile.js';

/** A key for asymmetric access tokens: an Ed25519 (EdDSA) or P-256 (ES256) key pair. */
export interface SigningKey {
  /** Key id, written to each token's header and published in the JWKS. */
  kid: string;
  /**
   * The private key (JWK, PEM or `KeyObject`). Only the first key that has one signs; keys
   * without one still verify tokens they signed earlier, until you remove them (rotation).
   */
  privateKey?: JsonWebKey | string | KeyObject;
  /** The public key; derived from the private key when omitted. */
  publicKey?: JsonWebKey | string | KeyObject;
}

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

/** Everything {@link createAuth} needs. Only `store` and a `secret` (or `keys`) are required. */
export interface AuthConfig<P extends ProfileSchema = typeof defaultProfileSchema> {
  /** Where users, sessions and tokens live. */
  store: Store;
  /** Sends verification, reset and notice emails. */
  mailer?: Mailer;
  /** Shared counters for rate limits and lockouts (default: in-process memory). */
  rateLimitStore?: RateLimitStore;
  /** Time source (default: the wall clock). */
  clock?: Clock;
  /** Password hasher (default: argon2id m=19456 KiB, t=2, p=1). */
  hasher?: PasswordHasher;
  /** Randomness for ids, tokens and codes (default: node:crypto). */
  random?: RandomSource;
  /** Operational messages (default: none). */
  logger?: Logger;
  /**
   * How long a store or rate-limit store call may take before the flow gives up with
   * `SERVICE_UNAVAILABLE` (default 10 s; 0 waits forever), so a database that hangs cannot
   * hold requests open. The call itself is not cancelled.
   */
  storeTimeout?: Duration;
  /** Receives every security-relevant event. Errors it throws are logged, never propagated. */
  onEvent?: (event: AuthEvent) => void | Promise<void>;
  /** HS256 signing secret of at least 32 bytes. Give this or `keys`. */
  secret?: string | Uint8Array;
  /** EdDSA/ES256 key set, newest signing key first. Give this or `secret`. */
  keys?: SigningKey[];
  /** Base URL of the app; emailed links are built from it, never from a request's Host. */
  appUrl?: string;
  /** Product name used in emails (default `Gatehouse`). */
  appName?: string;
  /** Profile fields, as a zod object schema (default: firstName, lastName, phone, username). */
  profile?: P;
  /** Role given to new users (default `user`). */
  defaultRole?: string;
  accessToken?: {
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
  };
  session?: {
    /** A session ends when its refresh token is unused for this long (default 7 days). */
    idleTtl?: Duration;
    /** A session ends this long after login, whatever its use (default 30 days). */
    absoluteTtl?: Duration;
    /** How long a just-rotated refresh token may be replayed by a client's concurrent retry (default 10 s; 0 disables). */
    refreshGraceWindow?: Duration;
    /** Live sessions kept per user; a new login ends the oldest beyond it (default: no limit). */
    maxPerUser?: number;
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
  };
  /** Password rules (default: 8–128 characters, upper + lower + digit, common and personal passwords refused). */
  password?: Partial<PasswordPolicy>;
  emailVerification?: EmailVerificationOptions;
  passwordReset?: PasswordResetOptions;
  emailChange?: EmailChangeOptions;
  /** Replaces some of the built-in email templates; the others keep their defaults. */
  emails?: Partial<EmailTemplates>;
  /** How long one email may take to send before it counts as failed (default 10 s). No flow waits longer for a mailer. */
  mailTimeout?: Duration;
  /** Rate limits and account lockout (defaults from our users' contracts); `false` turns them all off. */
  rateLimits?: RateLimitOptions | false;
}

/** The configuration after validation, with every default filled in and durations in seconds. */
export interface ResolvedConfig {
  appUrl: string | null;
  appName: string;
  defaultRole: string;
  profileSchema: ProfileSchema;
  accessToken: { ttl: number; issuer: string; audience: string; clockSkew: number; cacheSize: number };
  session: {
    idleTtl: number;
    absoluteTtl: number;
    refreshGraceWindow: number;
    maxPerUser: number | null;
    stateless: boolean;
    rotateRefreshTokens: boolean;
  };
  password: PasswordPolicy;
  emailVerification: {
    method: 'link' | 'code' | 'both';
    requiredForLogin: boolean;
    autoLoginOnVerify: boolean;
    linkTtl: number;
    codeTtl: number;
    codeAttempts: number;
    codeAlphabet: string;
    codeLength: number;
    linkPath: string;
  };
  passwordReset: { ttl: number; linkPath: string };
  emailChange: { linkPath: string; endOtherSessions: boolean };
  /** Every template, the app's overrides merged over the defaults. */
  emails: EmailTemplates;
  /** Seconds. */
  mailTimeout: number;
  rateLimits: ResolvedRateLimits;
}

function port<T>(name: string, methods: readonly string[]): z.ZodType<T> {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { message: `must be a ${name} (an object with ${methods.map((m) => `${m}()`).join(', ')})` },
  );
}

function duration(label: string, max = Number.POSITIVE_INFINITY): z.ZodType<number> {
  return z.unknown().transform((value, context) => {
    const seconds = durationSeconds(value);
    if (seconds === null || seconds > max) {
      context.addIssue({
        code: 'custom',
        message: `${label} must be a number of seconds or a string like '15m', '24h', '7d'${Number.isFinite(max) ? ` (at most ${max} s)` : ''}`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

// Every method of the Store port: a store missing one fails here, not at the first flow that needs it.
const STORE_METHODS: readonly (keyof Store)[] = [
  'createUser',
  'findUserById',
  'findUserByEmail',
  'updateUser',
  'deleteUser',
  'createSession',
  'findSession',
  'listSessions',
  'findRefreshToken',
  'rotateRefreshToken',
  'revokeSession',
  'revokeUserSessions',
  'createOneTimeToken',
  'findOneTimeToken',
  'findActiveOneTimeToken',
  'consumeOneTimeToken',
  'releaseOneTimeToken',
  'checkOneTimeCode',
  'voidOneTimeTokens',
];

const keyMaterial = z.union([z.string(), z.custom<KeyObject>((value) => value instanceof KeyObject), z.record(z.string(), z.unknown())]);
const relativePath = z.string().regex(/^\/[^/\\]/, 'must be a path starting with a single "/"');
const templateNames = Object.keys(defaultEmailTemplates) as (keyof EmailTemplates)[];
const emailTemplate = z.custom<EmailTemplates[keyof EmailTemplates]>((value) => typeof value === 'function', {
  message: 'must be a function (data) => ({ subject, text, html })',
});

const rule = z.union([z.literal(false), z.object({ limit: z.number().int().min(1), window: duration('window') })]);

const rateLimitsSchema = z
  .union([
    z.literal(false),
    z.object({
      failMode: z.enum(['closed', 'open']).optional(),
      login: rule.optional(),
      loginPerIp: rule.optional(),
      passwordReset: rule.optional(),
      resendVerification: rule.optional(),
      verifyCode: rule.optional(),
      perIp: rule.optional(),
      lockout: z.union([z.literal(false), z.object({ threshold: z.number().int().min(1), window: duration('lockout.window') })]).optional(),
    }),
  ])
  .default({});

const configSchema = z.object({
  store: port<Store>('Store', STORE_METHODS),
  mailer: port<Mailer>('Mailer', ['send']).optional(),
  rateLimitStore: port<RateLimitStore>('RateLimitStore', ['hit', 'peek', 'reset']).optional(),
  clock: port<Clock>('Clock', ['now']).optional(),
  hasher: port<PasswordHasher>('PasswordHasher', ['hash', 'verify', 'needsRehash']).optional(),
  random: port<RandomSource>('RandomSource', ['bytes']).optional(),
  logger: port<Logger>('Logger', ['warn', 'error']).optional(),
  storeTimeout: duration('storeTimeout', 600).default(10),
  onEvent: z.custom<(event: AuthEvent) => void>((value) => typeof value === 'function', { message: 'must be a function' }).optional(),
  secret: z
    .union([z.string(), z.instanceof(Uint8Array)])
    .refine((value) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength) >= 32, {
      message:
        'must be at least 32 bytes (256 bits) of random data; generate one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`',
    })
    .optional(),
  keys: z
    .array(z.object({ kid: z.string().min(1), privateKey: keyMaterial.optional(), publicKey: keyMaterial.optional() }))
    .min(1)
    .optional(),
  appUrl: z
    .string()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an absolute http(s) URL, e.g. https://app.example.com' })
    .optional(),
  appName: z.string().min(1).max(100).default('Gatehouse'),
  profile: z.custom<ProfileSchema>((value) => value instanceof z.ZodObject, { message: 'must be a zod object schema, e.g. z.object({ firstName: z.string() })' }).optional(),
  defaultRole: z.string().min(1).max(50).default('user'),
  accessToken: z
    .object({
      ttl: duration('accessToken.ttl').default(900),
      issuer: z.string().min(1).default('gatehouse'),
      audience: z.string().min(1).default('gatehouse'),
      clockSkew: duration('accessToken.clockSkew', 300).default(5),
      cacheSize: z.number().int().min(0).max(10_000_000).default(10_000),
    })
    .prefault({}),
  session: z
    .object({
      idleTtl: duration('session.idleTtl').default(7 * 86_400),
      absoluteTtl: duration('session.absoluteTtl').default(30 * 86_400),
      refreshGraceWindow: duration('session.refreshGraceWindow', 300).default(10),
      maxPerUser: z.number().int().min(1).nullable().default(null),
      stateless: z.boolean().default(false),
      rotateRefreshTokens: z.boolean().default(true),
      rotationSecret: z
        .union([z.string(), z.instanceof(Uint8Array)])
        .refine((value) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength) >= 32, {
          message: 'must be at least 32 bytes (256 bits) of random data',
        })
        .optional(),
    })
    .prefault({}),
  password: z
    .object({
      minLength: z.number().int().min(1).max(128).default(DEFAULT_PASSWORD_POLICY.minLength),
      maxLength: z.number().int().min(1).max(1024).default(DEFAULT_PASSWORD_POLICY.maxLength),
      requireUppercase: z.boolean().default(DEFAULT_PASSWORD_POLICY.requireUppercase),
      requireLowercase: z.boolean().default(DEFAULT_PASSWORD_POLICY.requireLowercase),
      requireDigit: z.boolean().default(DEFAULT_PASSWORD_POLICY.requireDigit),
      requireSymbol: z.boolean().default(DEFAULT_PASSWORD_POLICY.requireSymbol),
      blockCommon: z.boolean().default(DEFAULT_PASSWORD_POLICY.blockCommon),
      blockContext: z.boolean().default(DEFAULT_PASSWORD_POLICY.blockContext),
    })
    .refine((policy) => policy.minLength <= policy.maxLength, { message: 'minLength must not exceed maxLength' })
    .prefault({}),
  emailVerification: z
    .object({
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
      linkPath: relativePath.default('/auth/verify-email'),
    })
    .prefault({}),
  passwordReset: z
    .object({ ttl: duration('passwordReset.ttl').default(3600), linkPath: relativePath.default('/reset-password') })
    .prefault({}),
  emailChange: z.object({ linkPath: relativePath.default('/auth/confirm-email-change'), endOtherSessions: z.boolean().default(true) }).prefault({}),
  // Strict, so a misspelt template name fails at start-up instead of silently keeping the default.
  emails: z.strictObject(Object.fromEntries(templateNames.map((name) => [name, emailTemplate.optional()]))).optional(),
  mailTimeout: duration('mailTimeout', 300)
    .refine((seconds) => seconds > 0, { message: 'must be more than 0 seconds' })
    .default(10),
  rateLimits: rateLimitsSchema,
});

/** The validated config with the ports and functions it carries. */
export type ParsedConfig = z.output<typeof configSchema>;

/**
 * Validates a config once. Misuse is a programming error, so it throws a `TypeError` whose
 * message names each problem and how to fix it.
 */
export function parseConfig(config: unknown): ParsedConfig {
  const result = configSchema.safeParse(config);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new TypeError(`Invalid Gatehouse config:\n${problems.join('\n')}`);
  }
  const parsed = result.data;
  if (parsed.secret === undefined && parsed.keys === undefined) {
    throw new TypeError('Invalid Gatehouse config:\n  - secret: give `secret` (HS256, at least 32 bytes) or `keys` (EdDSA/ES256 key set).');
  }
  if (parsed.secret !== undefined && parsed.keys !== undefined) {
    throw new TypeError('Invalid Gatehouse config:\n  - keys: give either `secret` or `keys`, not both.');
  }
  if (parsed.mailer !== undefined && parsed.appUrl === undefined) {
    throw new TypeError(
      "Invalid Gatehouse config:\n  - appUrl: set `appUrl` (e.g. 'https://app.example.com') when a mailer is configured; emailed links are built from it, never from a request's Host header.",
    );
  }
  const profile = parsed.profile ?? defaultProfileSchema;
  const reserved = Object.keys(profile.shape).filter((field) => RESERVED_PROFILE_FIELDS.includes(field));
  if (reserved.length > 0) {
    throw new TypeError(
      `Invalid Gatehouse config:\n  - profile: ${reserved.join(', ')} belong to the account and cannot be profile fields; remove them from the schema.`,
    );
  }
  return parsed;
}

/** The parts of a parsed config that flows read, with defaults filled in. */
export function resolveConfig(parsed: ParsedConfig): ResolvedConfig {
  // The rotation secret goes to the context only, never into the config that apps can read.
  const { rotationSecret: _rotationSecret, ...session } = parsed.session;
  return {
    appUrl: parsed.appUrl === undefined ? null : parsed.appUrl.replace(/\/+$/, ''),
    appName: parsed.appName,
    defaultRole: parsed.defaultRole,
    profileSchema: parsed.profile ?? defaultProfileSchema,
    accessToken: parsed.accessToken,
    session,
    password: parsed.password,
    emailVerification: parsed.emailVerification,
    passwordReset: parsed.passwordReset,
    emailChange: parsed.emailChange,
    emails: { ...defaultEmailTemplates, ...definedTemplates(parsed.emails) },
    mailTimeout: parsed.mailTimeout,
    rateLimits: resolveRateLimits(parsed.rateLimits),
  };
}

const RULE_NAMES: readonly RateLimitRuleName[] = ['login', 'loginPerIp', 'passwordReset', 'resendVerification', 'verifyCode', 'perIp'];

function resolveRateLimits(options: ParsedConfig['rateLimits']): ResolvedRateLimits {
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

function definedTemplates(overrides: Record<string, unknown> | undefined): Partial<EmailTemplates> {
  return Object.fromEntries(Object.entries(overrides ?? {}).filter(([, template]) => template !== undefined)) as Partial<EmailTemplates>;
}
