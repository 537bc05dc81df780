import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { isCommonPassword } from './common-passwords.js';

/** The rules a new password must meet. Lengths count Unicode code points, so `'🔒'` is one character. */
export interface PasswordPolicy {
  /** Fewest code points allowed. */
  minLength: number;
  /** Most code points allowed; longer passwords are reported as `too_long` and not checked further. */
  maxLength: number;
  /** Require an uppercase letter (`\p{Lu}`, any script). */
  requireUppercase: boolean;
  /** Require a lowercase letter (`\p{Ll}`, any script). */
  requireLowercase: boolean;
  /** Require a decimal digit (`\p{Nd}`, any script). */
  requireDigit: boolean;
  /** Require a character that is not a letter, digit or whitespace. */
  requireSymbol: boolean;
  /** Refuse passwords on the built-in common-password list, also after stripping trailing digits and symbols. */
  blockCommon: boolean;
  /** Refuse passwords that contain the user's email address or one of the {@link PasswordContext} values. */
  blockContext: boolean;
}

/** What is known about the user, so that a password built from it can be refused. */
export interface PasswordContext {
  /** The user's email address; the whole address and its local part (when 3 or more characters) are refused. */
  email?: string;
  /** Other personal values such as names or a username; each value of 3 or more characters is refused. */
  values?: string[];
}

/** The default policy: 8 to 128 characters, upper- and lowercase letters and a digit, no common or personal passwords. */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  maxLength: 128,
  requireUppercase: true,
  requireLowercase: true,
  requireDigit: true,
  requireSymbol: false,
  blockCommon: true,
  blockContext: true,
});

/**
 * Validates the `password` option of the config: each rule left out keeps its default from
 * {@link DEFAULT_PASSWORD_POLICY}. `policy.test-d.ts` keeps it in step with {@link PasswordPolicy}.
 */
export const passwordPolicySchema = z
  .strictObject({
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
  .prefault({});

const MIN_CONTEXT_LENGTH = 3;

/**
 * Checks a new password against a policy and returns every rule it breaks (an empty array when it passes).
 *
 * A password longer than `policy.maxLength` is reported only as `too_long`: the other rules are not
 * run on oversized input. Issue codes are `too_short`, `too_long`, `missing_uppercase`,
 * `missing_lowercase`, `missing_digit`, `missing_symbol`, `common_password`,
 * `contains_personal_info` and `invalid_characters` (a NUL character), all on the field `password`.
 *
 * @throws {TypeError} When `policy` is malformed (see {@link assertPasswordPolicy}).
 *
 * @example
 * ```ts
 * import { checkPassword, DEFAULT_PASSWORD_POLICY } from '@gatehouse-auth/core';
 *
 * const issues = checkPassword('Password123!', DEFAULT_PASSWORD_POLICY, { email: 'ada@example.com' });
 * // [{ field: 'password', code: 'common_password', message: 'This password is too common. Choose one that is harder to guess.' }]
 * ```
 */
export function checkPassword(password: string, policy: PasswordPolicy, context?: PasswordContext): FieldIssue[] {
  assertPasswordPolicy(policy);
  const length = countCodePointsUpTo(password, policy.maxLength + 1);
  if (length > policy.maxLength) {
    return [passwordIssue('too_long', `Password must be at most ${policy.maxLength} characters.`)];
  }

  const issues: FieldIssue[] = [];
  if (password.includes('\0')) {
    issues.push(passwordIssue('invalid_characters', 'Password must not contain a NUL character.'));
  }
  if (length < policy.minLength) {
    issues.push(passwordIssue('too_short', `Password must be at least ${policy.minLength} characters.`));
  }
  if (policy.requireUppercase && !/\p{Lu}/u.test(password)) {
    issues.push(passwordIssue('missing_uppercase', 'Password must contain an uppercase letter.'));
  }
  if (policy.requireLowercase && !/\p{Ll}/u.test(password)) {
    issues.push(passwordIssue('missing_lowercase', 'Password must contain a lowercase letter.'));
  }
  if (policy.requireDigit && !/\p{Nd}/u.test(password)) {
    issues.push(passwordIssue('missing_digit', 'Password must contain a digit.'));
  }
  // Combining marks belong to the letter they modify, so they do not count as symbols.
  if (policy.requireSymbol && !/[^\p{L}\p{M}\p{N}\s]/u.test(password)) {
    issues.push(passwordIssue('missing_symbol', 'Password must contain a symbol, such as ! or #.'));
  }
  if (policy.blockCommon && isCommonPassword(password)) {
    issues.push(passwordIssue('common_password', 'This password is too common. Choose one that is harder to guess.'));
  }
  if (policy.blockContext && context !== undefined && containsPersonalInfo(password, context)) {
    issues.push(
      passwordIssue('contains_personal_info', 'Password must not contain your email address, name or username.'),
    );
  }
  return issues;
}

/**
 * Throws a `TypeError` when a policy cannot work (non-integer lengths, `minLength` above `maxLength`, a flag that is not a boolean).
 *
 * Call it when configuration is read, so misuse fails at start-up rather than on the first sign-up;
 * {@link checkPassword} calls it too.
 *
 * @throws {TypeError} When the policy is malformed; the message names the field and how to fix it.
 *
 * @example
 * ```ts
 * import { assertPasswordPolicy, DEFAULT_PASSWORD_POLICY } from './policy.js';
 *
 * assertPasswordPolicy({ ...DEFAULT_PASSWORD_POLICY, minLength: 12 }); // passes
 * ```
 */
export function assertPasswordPolicy(policy: PasswordPolicy): void {
  if (typeof policy !== 'object' || policy === null) {
    throw new TypeError('Password policy must be an object; start from DEFAULT_PASSWORD_POLICY.');
  }
  if (!Number.isInteger(policy.minLength) || policy.minLength < 0) {
    throw new TypeError(`Password policy: \`minLength\` must be a non-negative integer; got ${String(policy.minLength)}.`);
  }
  if (!Number.isInteger(policy.maxLength) || policy.maxLength < 1) {
    throw new TypeError(`Password policy: \`maxLength\` must be a positive integer; got ${String(policy.maxLength)}.`);
  }
  if (policy.minLength > policy.maxLength) {
    throw new TypeError(
      `Password policy: \`minLength\` (${policy.minLength}) is greater than \`maxLength\` (${policy.maxLength}), so no password could pass; raise \`maxLength\` or lower \`minLength\`.`,
    );
  }
  const flags = [
    'requireUppercase',
    'requireLowercase',
    'requireDigit',
    'requireSymbol',
    'blockCommon',
    'blockContext',
  ] as const;
  for (const flag of flags) {
    if (typeof policy[flag] !== 'boolean') {
      throw new TypeError(`Password policy: \`${flag}\` must be true or false; got ${String(policy[flag])}.`);
    }
  }
}

function passwordIssue(code: string, message: string): FieldIssue {
  return { field: 'password', code, message };
}

// Counts code points but stops at `limit`, so a megabyte-long password costs no more than a long one.
function countCodePointsUpTo(value: string, limit: number): number {
  // Each code point is one or two UTF-16 units, so more than 2 × limit units is more than `limit` code points.
  if (value.length > 2 * limit) {
    return limit;
  }
  let count = 0;
  for (const _ of value) {
    count += 1;
    if (count >= limit) {
      return count;
    }
  }
  return count;
}

function containsPersonalInfo(password: string, context: PasswordContext): boolean {
  const haystack = normalizeForComparison(password);
  const needles: string[] = [];
  if (typeof context.email === 'string') {
    const email = normalizeForComparison(context.email.trim());
    needles.push(email);
    const at = email.lastIndexOf('@');
    if (at > 0) {
      const localPart = email.slice(0, at);
      needles.push(localPart);
      // `ada+shop@example.com` is still Ada: also refuse the part before a sub-address tag.
      const plus = localPart.indexOf('+');
      if (plus > 0) {
        needles.push(localPart.slice(0, plus));
      }
    }
  }
  for (const value of context.values ?? []) {
    if (typeof value === 'string') {
      needles.push(normalizeForComparison(value.trim()));
    }
  }
  return needles.some((needle) => countCodePointsUpTo(needle, MIN_CONTEXT_LENGTH) >= MIN_CONTEXT_LENGTH && haystack.includes(needle));
}

function normalizeForComparison(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}
