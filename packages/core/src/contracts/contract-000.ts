// Reference contract 000 (a Django-style banking API): `/auth/...` with trailing slashes,
// snake_case, every answer in `{ data }`, verification by emailed link, profile GET/PATCH.
import { z } from 'zod';
import type { UserJson } from '../http/serialize.js';
import { definePreset } from './preset.js';

const profileFields = (user: UserJson) => ({
  userId: user.id,
  email: user.email,
  firstName: user.firstName,
  lastName: user.lastName,
  phoneNumber: user.phoneNumber,
});

/** Contract 000: `{ data: { access_token, refresh_token, expires_in } }`, snake_case, trailing slashes. */
export const contract000 = definePreset({
  basePath: '/auth',
  auth: {
    profile: z.object({
      firstName: z.string().trim().max(100).optional(),
      lastName: z.string().trim().max(100).optional(),
      phoneNumber: z.string().trim().max(32).optional(),
    }),
    // Login waits for the emailed link; the link opens the router's own GET route.
    emailVerification: { method: 'link', requiredForLogin: true, linkPath: '/auth/verify-email' },
    // `expires_in: 3600`.
    accessToken: { ttl: '1h' },
    // The refresh answer carries `access` only: clients keep their one refresh token, so it
    // must not rotate (a rotated token would be reuse the second time it is sent).
    session: { rotateRefreshTokens: false },
    // The document's own examples (`secure_password123`, `new_secure_password`) have no upper
    // case and one has no digit: length, the common list and personal values only (ASVS 6.2.5).
    password: { requireUppercase: false, requireLowercase: false, requireDigit: false },
  },
  http: {
    casing: 'snake',
    routes: {
      register: { message: 'Registration successful. Please verify your email.', response: ({ user }, { message }) => ({ userId: user.id, email: user.email, message }) },
      login: { response: ({ tokens }) => ({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn }) },
      verifyEmail: { message: 'Email verified successfully', response: () => null },
      resendVerification: { message: 'Verification email sent' },
      refresh: { fields: { refreshToken: 'refresh' }, response: ({ tokens }) => ({ access: tokens.accessToken, expiresIn: tokens.expiresIn }) },
      logout: { message: 'Successfully logged out' },
      requestPasswordReset: { message: 'Password reset email sent' },
      confirmPasswordReset: { message: 'Password reset successful' },
      getProfile: { response: ({ user }) => ({ ...profileFields(user), createdAt: user.createdAt, lastLogin: user.lastLoginAt }) },
      updateProfile: { response: ({ user }) => ({ ...profileFields(user), updatedAt: user.updatedAt }) },
    },
  },
});
