/** Every code an {@link AuthError} can carry, for iteration (tests, status tables, docs). */
export const AUTH_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'EMAIL_NOT_VERIFIED',
  'EMAIL_TAKEN',
  'ACCOUNT_DISABLED',
  'VALIDATION_FAILED',
  'WEAK_PASSWORD',
  'RATE_LIMITED',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'REFRESH_TOKEN_REUSED',
  'SESSION_NOT_FOUND',
  'USER_NOT_FOUND',
  'UNAUTHENTICATED',
  'SERVICE_UNAVAILABLE',
] as const;

/**
 * Every code an {@link AuthError} can carry. The union is closed, so a `switch` over it
 * can be checked for exhaustiveness.
 */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** One problem with one input field, as reported by `VALIDATION_FAILED` and `WEAK_PASSWORD`. */
export interface FieldIssue {
  /** Dotted path of the field in the input, e.g. `password` or `profile.firstName`. */
  field: string;
  /** Stable machine-readable reason, e.g. `too_short`, `missing_uppercase`, `invalid_email`. */
  code: string;
  /** Human-readable sentence, safe to show to the user. */
  message: string;
}

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /** Field-level details for validation failures. */
  fields?: FieldIssue[];
  /** Seconds until the caller may try again (`RATE_LIMITED`). */
  retryAfter?: number;
  /** The underlying error, for logs only: it never reaches a message or an HTTP body. */
  cause?: unknown;
}

/** The default message of each code: generic, and safe to show to end users. */
export const AUTH_ERROR_MESSAGES: Readonly<Record<AuthErrorCode, string>> = {
  INVALID_CREDENTIALS: 'Invalid email or password.',
  EMAIL_NOT_VERIFIED: 'Email address is not verified.',
  EMAIL_TAKEN: 'An account with this email already exists.',
  ACCOUNT_DISABLED: 'This account is disabled.',
  VALIDATION_FAILED: 'The request is invalid.',
  WEAK_PASSWORD: 'The password does not meet the password policy.',
  RATE_LIMITED: 'Too many requests. Try again later.',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_INVALID: 'The token is invalid.',
  REFRESH_TOKEN_REUSED: 'The refresh token was already used; the session has been ended.',
  SESSION_NOT_FOUND: 'Session not found.',
  USER_NOT_FOUND: 'User not found.',
  UNAUTHENTICATED: 'Authentication is required.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again later.',
};

/**
 * The one error class Gatehouse flows throw for expected failures.
 *
 * Messages are generic and safe to show to end users; the `cause` is kept for logs only.
 *
 * @example
 * ```ts
 * import { AuthError } from '@gatehouse-auth/core';
 * try {
 *   await auth.login({ email: 'a@example.com', password: 'wrong' });
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'INVALID_CREDENTIALS') {
 *     // show "invalid email or password"
 *   }
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** Stable machine-readable code. */
  readonly code: AuthErrorCode;
  /** Field-level issues (validation and password policy failures). */
  readonly fields: FieldIssue[] | undefined;
  /** Seconds until a retry may succeed (`RATE_LIMITED`). */
  readonly retryAfter: number | undefined;

  constructor(code: AuthErrorCode, message?: string, options?: AuthErrorOptions) {
    super(message ?? AUTH_ERROR_MESSAGES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options?.fields;
    this.retryAfter = options?.retryAfter;
  }
}

/** True when `value` is an {@link AuthError}, optionally with the given code. */
export function isAuthError(value: unknown, code?: AuthErrorCode): value is AuthError {
  return value instanceof AuthError && (code === undefined || value.code === code);
}
