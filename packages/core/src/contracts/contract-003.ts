// Reference contract 003 (a Laravel-style API): `/api/auth`, camelCase, `{ statusCode, message,
// data }`, app-level `Api-Token` and `channel` headers on every route, `role` and `status` in
// capitals, the verification code sent alone as `verificationCode`, and one `token` that the
// bearer refreshes.
import { z } from 'zod';
import type { UserJson } from '../http/serialize.js';
import { definePreset, microsecondDate } from './preset.js';

const upper = (value: unknown) => String(value).toUpperCase();
const user = (u: UserJson) => ({ uuid: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email, role: upper(u.role), status: upper(u.status) });
const present = (value: string) => value.trim() !== '';

/**
 * Contract 003: `{ statusCode, message, data }` under `/api/auth`, with `Api-Token` and `channel`
 * required on every route. The preset only checks that both headers are there: put your own
 * check in (`requiredHeaders: { ...contract003.http.requiredHeaders, 'api-token': process.env.API_TOKEN }`).
 */
export const contract003 = definePreset({
  basePath: '/api/auth',
  auth: {
    profile: z.object({
      firstName: z.string().trim().max(100).optional(),
      lastName: z.string().trim().max(100).optional(),
      phoneNumber: z.string().trim().max(32).optional(),
      profileImage: z.object({ name: z.string().max(255), link: z.url() }).optional(),
    }),
    // Register answers a token for a PENDING user, who may use the app before verifying. The
    // mailed code ("123456") is sent back alone: the code finds its account (docs/security.md,
    // "Code-only verification"), which never starts a session.
    emailVerification: { method: 'code', requiredForLogin: false, codeOnly: true, codeAlphabet: '0123456789', linkPath: '/api/auth/verify-email' },
    // The links sent to confirm a new address open this router's route under /api/auth too.
    emailChange: { linkPath: '/api/auth/confirm-email-change' },
    // The document's own example password is `password123`: no class rules, and the
    // common-password list off, because it is on it. Turn it back on when you can:
    // `password: { ...contract003.auth.password, blockCommon: true }`.
    password: { requireUppercase: false, requireLowercase: false, requireDigit: false, blockCommon: false },
  },
  http: {
    requiredHeaders: { 'api-token': present, channel: present },
    paths: { requestPasswordReset: '/forgot-password', confirmPasswordReset: '/reset-password', refresh: '/refresh-token' },
    // The bearer token itself is refreshed, while it is still valid.
    accessTokenRefresh: true,
    passwordConfirmation: true,
    routes: {
      register: { message: 'Registration successful', response: (data) => ({ token: data.tokens?.accessToken, user: { ...user(data.user), createdAt: microsecondDate(data.user.createdAt) } }) },
      login: { message: 'Login successful', response: (data) => ({ token: data.tokens.accessToken, user: { ...user(data.user), profileImage: data.user.profileImage ?? null } }) },
      logout: { message: 'Logout successful' },
      requestPasswordReset: { message: 'Password reset link has been sent to your email' },
      confirmPasswordReset: { message: 'Password has been reset' },
      verifyEmail: {
        message: 'Email verified successfully',
        fields: { code: 'verificationCode' },
        response: (data) => ({ user: { uuid: data.user.id, status: upper(data.user.status), emailVerifiedAt: microsecondDate(data.user.emailVerifiedAt) } }),
      },
      refresh: { message: 'Token refreshed', response: (data) => ({ token: data.tokens.accessToken }) },
    },
    formatSuccess: ({ status, message, data }) => (data === null ? { statusCode: status, message } : { statusCode: status, message, data }),
    formatError: (error) => ({ statusCode: error.status, message: error.message, ...(error.fields ? { errors: error.fields } : {}) }),
  },
});
