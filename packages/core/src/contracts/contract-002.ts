// Reference contract 002 (a REST API with `{ status, data }` envelopes): `/v1/auth`, snake_case,
// password confirmations, PUT /profile, errors `{ status: "error", message, errors, retry_after }`
// with the document's own words, one session per user, a special-character rule.
import { z } from 'zod';
import type { TokensJson, UserJson } from '../http/serialize.js';
import { definePreset } from './preset.js';

/** The contract's user: `{ id, email, first_name, last_name, phone, created_at }`, nothing more. */
const user = (u: UserJson) => ({ id: u.id, email: u.email, firstName: u.firstName, lastName: u.lastName, phone: u.phone ?? null, createdAt: u.createdAt });
/** The contract's tokens: `{ access, refresh }`. */
const tokens = (t: TokensJson | null) => (t === null ? null : { access: t.accessToken, refresh: t.refreshToken });

/** Contract 002: `{ status: "success", data }` / `{ status: "error", message, errors? }` under `/v1/auth`. */
export const contract002 = definePreset({
  basePath: '/v1/auth',
  auth: {
    profile: z.object({
      firstName: z.string().trim().min(1).max(100),
      lastName: z.string().trim().min(1).max(100),
      phone: z.string().trim().regex(/^\+?[0-9 ().-]{4,32}$/, 'Enter a valid phone number.').optional(),
    }),
    // Registration "returns user data and authentication tokens": login does not wait for a
    // verified address. The verification email still goes out, linking to this server's route.
    emailVerification: { requiredForLogin: false, linkPath: '/v1/auth/verify-email' },
    // The links sent to confirm a new address open this router's route under /v1/auth too.
    emailChange: { linkPath: '/v1/auth/confirm-email-change' },
    // "Minimum 8 characters, upper, lower, number, special character".
    password: { minLength: 8, requireUppercase: true, requireLowercase: true, requireDigit: true, requireSymbol: true },
    // "Access tokens expire in 15 minutes", "Refresh tokens expire in 7 days", "One active session per user".
    accessToken: { ttl: '15m' },
    session: { idleTtl: '7d', maxPerUser: 1 },
    // "Login attempts: 5 per minute; password reset requests: 3 per hour; API calls: 100 per minute".
    rateLimits: { login: { limit: 5, window: '1m' }, passwordReset: { limit: 3, window: '1h' }, perIp: { limit: 100, window: '1m' } },
  },
  http: {
    casing: 'snake',
    // `password_confirmation` (register, reset) and `new_password_confirmation` (change) are required and must match.
    passwordConfirmation: true,
    // The document's error list has no 409: a taken address is a validation error.
    statuses: { EMAIL_TAKEN: 422 },
    // The document's words, by status; the field errors keep their own messages.
    messages: {
      400: 'Invalid request parameters',
      401: 'Invalid credentials',
      403: 'Access denied',
      404: 'Resource not found',
      422: 'Validation failed',
      429: 'Too many requests',
      500: 'Internal server error',
    },
    routes: {
      register: { response: (data) => ({ user: user(data.user), tokens: tokens(data.tokens) }) },
      login: { response: (data) => ({ user: user(data.user), tokens: tokens(data.tokens) }) },
      refresh: { fields: { refreshToken: 'refresh' }, response: (data) => ({ tokens: tokens(data.tokens) }) },
      logout: { message: 'Successfully logged out' },
      requestPasswordReset: { message: 'Password reset email sent successfully' },
      confirmPasswordReset: { message: 'Password reset successfully' },
      changePassword: { message: 'Password changed successfully' },
      getProfile: { response: (data) => ({ user: user(data.user) }) },
      replaceProfile: { response: (data) => ({ user: user(data.user) }) },
      updateProfile: { response: (data) => ({ user: user(data.user) }) },
    },
    formatSuccess: ({ data, message }) => (data === null ? { status: 'success', message } : { status: 'success', data }),
    formatError: (error) => ({
      status: 'error',
      message: error.message,
      ...(error.fields ? { errors: error.fields.map(({ field, message }) => ({ field, message })) } : {}),
      // A 422 names its field: the taken address is the `email` field's problem.
      ...(error.code === 'EMAIL_TAKEN' ? { errors: [{ field: 'email', message: 'An account with this email already exists.' }] } : {}),
      ...(error.retryAfter === undefined ? {} : { retry_after: error.retryAfter }),
    }),
  },
});
