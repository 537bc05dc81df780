// Reference contract 001 (an Express-style API): `/api/v1/auth`, camelCase,
// `{ success, message, data }`, GET /verify-email/{token}, forgot/reset/change password (change
// by PATCH), `/me`, login refused until the address is verified.
import type { TokensJson, UserJson } from '../http/serialize.js';
import { definePreset } from './preset.js';

const contractUser = (user: UserJson) => ({
  id: user.id,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
  isEmailVerified: user.emailVerified,
  createdAt: user.createdAt,
});
const signedInUser = (user: UserJson) => ({ id: user.id, email: user.email, firstName: user.firstName });
const contractTokens = (tokens: TokensJson) => ({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });

/** Contract 001: `{ success, message, data: { user, tokens } }` under `/api/v1/auth`. */
export const contract001 = definePreset({
  basePath: '/api/v1/auth',
  auth: {
    // "Users must verify their email before accessing protected features"; the emailed link
    // opens the documented GET /api/v1/auth/verify-email/{token}, valid 24 hours.
    emailVerification: { method: 'link', requiredForLogin: true, linkPath: '/api/v1/auth/verify-email', linkTtl: '24h' },
    // The links sent to confirm a new address open this router's route under /api/v1/auth too.
    emailChange: { linkPath: '/api/v1/auth/confirm-email-change' },
    // "Access Token … expires in 15 minutes", "Refresh Token … 7 days".
    accessToken: { ttl: '15m' },
    // Each refresh token lives 7 days from its issue; a refresh hands out the next one.
    session: { idleTtl: '7d' },
    // "Minimum 8 characters; at least one uppercase letter, lowercase letter, and number": the default policy.
    password: { minLength: 8, requireUppercase: true, requireLowercase: true, requireDigit: true },
  },
  http: {
    paths: {
      refresh: '/refresh',
      requestPasswordReset: '/forgot-password',
      confirmPasswordReset: '/reset-password',
      changePassword: 'PATCH /change-password',
      getProfile: '/me',
      replaceProfile: false,
    },
    routes: {
      // `data: { user: { id, email, firstName }, tokens: { accessToken, refreshToken } }`, exactly
      // the keys shown (a strict client decoder would refuse others); `/me` has the full user.
      login: { message: 'Login successful', response: ({ user, tokens }) => ({ user: signedInUser(user), tokens: contractTokens(tokens) }) },
      register: { response: ({ user, tokens }) => ({ user: signedInUser(user), ...(tokens ? { tokens: contractTokens(tokens) } : {}) }) },
      refresh: { response: ({ tokens }) => ({ tokens: contractTokens(tokens) }) },
      confirmPasswordReset: { fields: { password: 'newPassword' } },
      getProfile: { response: ({ user }) => ({ user: contractUser(user) }) },
      updateProfile: { response: ({ user }) => ({ user: contractUser(user) }) },
      verifyEmail: { response: ({ user }) => ({ user: contractUser(user) }) },
      verifyEmailLink: { response: ({ user }) => ({ user: contractUser(user) }) },
    },
    // `GET /me` answers `{ success, data }`; the other routes `{ success, message, data }`.
    formatSuccess: ({ route, data, message }) => (route === 'getProfile' ? { success: true, data } : { success: true, message, data }),
    formatError: (error) => ({ success: false, message: error.message, ...(error.fields ? { errors: error.fields } : {}) }),
  },
});
