import { KeyObject, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { duration, type Duration } from './lib/duration.js';
import type { AuthEvent } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Mailer } from './ports/mailer.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RandomSource } from './ports/random-source.js';
import type { RateLimitStore } from './ports/rate-limit-store.js';
import type { Store } from './ports/store.js';
import { defaultEmailTemplates, type EmailTemplates } from './mail/email-templates.js';
import {
  emailChangeOptionsSchema,
  emailVerificationOptionsSchema,
  passwordResetOptionsSchema,
  type EmailChangeOptions,
  type EmailVerificationOptions,
  type PasswordResetOptions,
  type ResolvedEmailChangeOptions,
  type ResolvedEmailVerificationOptions,
  type ResolvedPasswordResetOptions,
} from './mail/emailed-token-options.js';
import { passwordPolicySchema, type PasswordPolicy } from './password/policy.js';
import { rateLimitsSchema, resolveRateLimits, type RateLimitOptions, type ResolvedRateLimits } from './rate-limit/rules.js';
import { RESERVED_PROFILE_FIELDS, defaultProfileSchema, type ProfileSchema } from './profile.js';
import { resolveSessionOptions, sessionOptionsSchema, type ResolvedSessionOptions, type SessionOptions } from './sessions/options.js';
import { accessTokenOptionsSchema, type AccessTokenOptions, type ResolvedAccessTokenOptions } from './tokens/options.js';
import { resolveUserIds, userIdsMismatch, userIdsOptionSchema, type ResolvedUserIds, type UserIdsOption } from './user-ids/user-ids.js';
import { uniqueFieldProblem } from './unique-values.js';

// Each group of options (access tokens, sessions, passwords, emailed tokens, rate limits) is
// declared, defaulted, validated and resolved in its own folder; this file composes them with
// the top-level options.

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

/** Everything {@link createAuth} needs. Only `store` and a `secret` (or `keys`) are required. */
export interface AuthConfig<P extends ProfileSchema = typeof defaultProfileSchema, U extends UserIdsOption = UserIdsOption> {
  /** Where users, sessions and tokens live. */
  store: Store;
  /**
   * How new users get their ids (default `'uuid'`): `'uuid'`, `'integer'` (the store assigns
   * 1, 2, 3, …, and user ids are numbers) or `{ generate() }` for the app's own string ids.
   * Choose once: the store keeps the ids it was made for.
   */
  userIds?: U;
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
  /**
   * Where operational messages go: a failing store or mailer, a configuration that cannot work
   * (default: the console's warnings and errors; `false` for none).
   */
  logger?: Logger | false;
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
  /**
   * Profile fields no two accounts may share, e.g. `['username']`. Strings compare
   * case-insensitively after NFKC and trimming ('Ada' and 'ada' are one username); accounts
   * without a value are not checked. A taken value fails register and profile updates with
   * `VALIDATION_FAILED` (`taken`) on that field. The store must enforce them
   * (`Store.enforcesUniqueValues`).
   */
  uniqueProfileFields?: readonly (keyof z.output<P> & string)[];
  /** Role given to new users (default `user`). */
  defaultRole?: string;
  /** Access-token lifetime, claims and verification cache. */
  accessToken?: AccessTokenOptions;
  /** Session lifetimes and refresh-token rotation. */
  session?: SessionOptions;
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
  /** How user ids are made and read back. */
  userIds: ResolvedUserIds;
  profileSchema: ProfileSchema;
  /** Profile fields whose values no two accounts share, without repeats. */
  uniqueProfileFields: readonly string[];
  accessToken: ResolvedAccessTokenOptions;
  session: ResolvedSessionOptions;
  password: PasswordPolicy;
  emailVerification: ResolvedEmailVerificationOptions;
  passwordReset: ResolvedPasswordResetOptions;
  emailChange: ResolvedEmailChangeOptions;
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
const templateNames = Object.keys(defaultEmailTemplates) as (keyof EmailTemplates)[];
const emailTemplate = z.custom<EmailTemplates[keyof EmailTemplates]>((value) => typeof value === 'function', {
  message: 'must be a function (data) => ({ subject, text, html })',
});

// Strict: a misspelt option (`sesion`, `userIdz`) fails at start-up instead of being ignored.
const configSchema = z.strictObject({
  store: port<Store>('Store', STORE_METHODS),
  userIds: userIdsOptionSchema,
  mailer: port<Mailer>('Mailer', ['send']).optional(),
  rateLimitStore: port<RateLimitStore>('RateLimitStore', ['hit', 'peek', 'reset']).optional(),
  clock: port<Clock>('Clock', ['now']).optional(),
  hasher: port<PasswordHasher>('PasswordHasher', ['hash', 'verify', 'needsRehash']).optional(),
  random: port<RandomSource>('RandomSource', ['bytes']).optional(),
  logger: z.union([z.literal(false), port<Logger>('Logger', ['warn', 'error'])]).optional(),
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
  uniqueProfileFields: z.array(z.string().min(1).max(64, { message: 'must be a field name of at most 64 characters' })).optional(),
  defaultRole: z.string().min(1).max(50).default('user'),
  accessToken: accessTokenOptionsSchema,
  session: sessionOptionsSchema,
  password: passwordPolicySchema,
  emailVerification: emailVerificationOptionsSchema,
  passwordReset: passwordResetOptionsSchema,
  emailChange: emailChangeOptionsSchema,
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
  checkUniqueProfileFields(parsed.uniqueProfileFields ?? [], profile, parsed.store);
  const userIdsProblem = userIdsMismatch(parsed.userIds, parsed.store);
  if (userIdsProblem !== null) throw new TypeError(`Invalid Gatehouse config:\n  - ${userIdsProblem}`);
  return parsed;
}

function checkUniqueProfileFields(fields: readonly string[], profile: ProfileSchema, store: Store): void {
  if (fields.length === 0) return;
  const known = Object.keys(profile.shape);
  const problems: string[] = [];
  for (const field of fields) {
    const schema = profile.shape[field];
    if (!Object.hasOwn(profile.shape, field) || schema === undefined) {
      problems.push(`${JSON.stringify(field)} is not a field of the profile schema (its fields: ${known.join(', ') || 'none'})`);
      continue;
    }
    const problem = uniqueFieldProblem(schema);
    if (problem !== null) problems.push(`${JSON.stringify(field)} cannot be unique: ${problem}`);
  }
  if (problems.length > 0) throw new TypeError(`Invalid Gatehouse config:\n${problems.map((problem) => `  - uniqueProfileFields: ${problem}.`).join('\n')}`);
  if (store.enforcesUniqueValues !== true) {
    throw new TypeError(
      'Invalid Gatehouse config:\n  - uniqueProfileFields: the store does not enforce unique values (it does not set `enforcesUniqueValues: true`), so duplicates would be accepted. Use memoryStore() or kyselyStore(), or implement the `unique` option of createUser and updateUser in your store (see docs/custom-store.md).',
    );
  }
}

/** The parts of a parsed config that flows read, with defaults filled in. */
export function resolveConfig(parsed: ParsedConfig): ResolvedConfig {
  return {
    appUrl: parsed.appUrl === undefined ? null : parsed.appUrl.replace(/\/+$/, ''),
    appName: parsed.appName,
    defaultRole: parsed.defaultRole,
    userIds: resolveUserIds(parsed.userIds),
    profileSchema: parsed.profile ?? defaultProfileSchema,
    uniqueProfileFields: [...new Set(parsed.uniqueProfileFields ?? [])],
    accessToken: parsed.accessToken,
    session: resolveSessionOptions(parsed.session),
    password: parsed.password,
    emailVerification: parsed.emailVerification,
    passwordReset: parsed.passwordReset,
    emailChange: parsed.emailChange,
    emails: { ...defaultEmailTemplates, ...definedTemplates(parsed.emails) },
    mailTimeout: parsed.mailTimeout,
    rateLimits: resolveRateLimits(parsed.rateLimits),
  };
}

function definedTemplates(overrides: Record<string, unknown> | undefined): Partial<EmailTemplates> {
  return Object.fromEntries(Object.entries(overrides ?? {}).filter(([, template]) => template !== undefined)) as Partial<EmailTemplates>;
}

/**
 * Configurations that start but cannot work as the app surely means them to, as warnings for
 * the logger: they are legal (a test may want them), so they do not throw.
 */
export function configWarnings(parsed: ParsedConfig): string[] {
  const warnings: string[] = [];
  if (parsed.mailer === undefined && parsed.emailVerification.requiredForLogin) {
    warnings.push(
      'gatehouse: login requires a verified address (emailVerification.requiredForLogin) but no mailer is configured, so no one can verify and every login answers EMAIL_NOT_VERIFIED. ' +
        'Give createAuth a mailer (consoleMailer() prints them in development), or set emailVerification.requiredForLogin: false.',
    );
  }
  if (typeof parsed.secret === 'string' && new Set(parsed.secret).size <= 2) {
    warnings.push(
      "gatehouse: the secret repeats one or two characters: anyone can guess it and sign tokens. Use 32 random bytes: node -e \"console.log(crypto.randomBytes(32).toString('base64url'))\"",
    );
  }
  if (parsed.appUrl !== undefined && process.env.NODE_ENV === 'production') {
    const url = new URL(parsed.appUrl);
    if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      warnings.push(`gatehouse: appUrl is ${parsed.appUrl} in production: emailed reset and verification links would travel over plain http. Use https.`);
    }
  }
  return warnings;
}
