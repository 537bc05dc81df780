// Reference contract 002 (shared/reference-contracts/002_a45eda72d49a7cbb.txt), served by
// configuration only: the HTTP options give the paths, field names and envelopes, the auth
// config gives the rules. No route of the contract is written by hand.
import type { AuthConfig } from '@gatehouse/core';
import type { HttpOptions, TokensJson, UserJson } from '@gatehouse/core/http';
import { z } from 'zod';

/**
 * The profile fields of the contract's user: `first_name`, `last_name` and `phone` on the wire
 * (the `casing: 'snake'` option turns them into these camelCase names and back).
 */
export const contract002Profile = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  phone: z.string().trim().regex(/^\+?[0-9 ().-]{4,32}$/, 'Enter a valid phone number.').optional(),
});

/** The contract's user object: `{ id, email, first_name, last_name, phone, created_at }`, nothing more. */
function contractUser(user: UserJson): Record<string, unknown> {
  return { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, phone: user.phone ?? null, createdAt: user.createdAt };
}

/** The contract's tokens object: `{ access, refresh }`. */
function contractTokens(tokens: TokensJson | null): Record<string, unknown> | null {
  return tokens === null ? null : { access: tokens.accessToken, refresh: tokens.refreshToken };
}

/** Paths, fields, messages and envelopes of contract 002, for `gatehouse(auth, options)` of any adapter. */
export const contract002HttpOptions: HttpOptions = {
  // `first_name`, `current_password`, `created_at`… in requests, responses and field errors.
  casing: 'snake',
  // `password_confirmation` (register, reset) and `new_password_confirmation` (change) are required and must match.
  passwordConfirmation: true,
  routes: {
    register: { response: (data) => ({ user: contractUser(data.user), tokens: contractTokens(data.tokens) }) },
    login: { response: (data) => ({ user: contractUser(data.user), tokens: contractTokens(data.tokens) }) },
    // The body says `refresh`, not `refresh_token`.
    refresh: { fields: { refreshToken: 'refresh' }, response: (data) => ({ tokens: contractTokens(data.tokens) }) },
    logout: { message: 'Successfully logged out' },
    requestPasswordReset: { message: 'Password reset email sent successfully' },
    confirmPasswordReset: { message: 'Password reset successfully' },
    changePassword: { message: 'Password changed successfully' },
    getProfile: { response: (data) => ({ user: contractUser(data.user) }) },
    replaceProfile: { response: (data) => ({ user: contractUser(data.user) }) },
    updateProfile: { response: (data) => ({ user: contractUser(data.user) }) },
  },
  // `{ status: "success", data }`, or `{ status: "success", message }` for the routes without data.
  formatSuccess: ({ data, message }) => (data === null ? { status: 'success', message } : { status: 'success', data }),
  // `{ status: "error", message, errors?: [{ field, message }], retry_after? }`.
  formatError: (error) => ({
    status: 'error',
    message: error.message,
    ...(error.fields ? { errors: error.fields.map(({ field, message }) => ({ field, message })) } : {}),
    ...(error.retryAfter === undefined ? {} : { retry_after: error.retryAfter }),
  }),
};

/** Settings of contract 002 that are not about HTTP: for `createAuth`. */
export interface Contract002Settings {
  /** `JWT_ACCESS_TOKEN_EXPIRES`, in seconds (default 900: 15 minutes). */
  accessTokenTtl?: number;
  /** `JWT_REFRESH_TOKEN_EXPIRES`, in seconds (default 604800: 7 days). */
  refreshTokenTtl?: number;
  /** Where the routes are mounted (default `/v1/auth`), so that the emailed verification link opens this server's route. */
  basePath?: string;
}

/** The rules of contract 002, to spread into `createAuth({ store, mailer, secret, ... })`. */
export function contract002AuthConfig(settings: Contract002Settings = {}): Pick<
  AuthConfig<typeof contract002Profile>,
  'profile' | 'emailVerification' | 'password' | 'session' | 'accessToken' | 'rateLimits'
> {
  return {
    profile: contract002Profile,
    // Registration answers with tokens: login does not wait for a verified address. The
    // verification email Gatehouse still sends links to this server's GET /verify-email/:token.
    emailVerification: { requiredForLogin: false, linkPath: `${settings.basePath ?? '/v1/auth'}/verify-email` },
    // 8+ characters, upper, lower, digit and a special character.
    password: { minLength: 8, requireUppercase: true, requireLowercase: true, requireDigit: true, requireSymbol: true },
    session: {
      // "One active session per user": a new login ends the previous session.
      maxPerUser: 1,
      // "Refresh tokens expire in 7 days": a refresh token unused for that long is dead.
      idleTtl: settings.refreshTokenTtl ?? 604_800,
    },
    // "Access tokens expire in 15 minutes".
    accessToken: { ttl: settings.accessTokenTtl ?? 900 },
    // "Login attempts: 5 per minute; password reset requests: 3 per hour; API calls: 100 per minute".
    rateLimits: {
      login: { limit: 5, window: '1m' },
      passwordReset: { limit: 3, window: '1h' },
      perIp: { limit: 100, window: '1m' },
    },
  };
}
