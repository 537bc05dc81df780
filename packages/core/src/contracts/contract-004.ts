// Reference contract 004 (a Django REST Framework + simplejwt API): `/auth/...` with trailing
// slashes, bare bodies, errors `{ field: [messages], detail }` with 400 for validation, a
// username that is unique, `re_password`, a 6-character code, integer user ids, login refused
// (401) until verified, rotating refresh tokens.
import { z } from 'zod';
import { definePreset } from './preset.js';

/** Contract 004: DRF-shaped bodies and errors, integer `id`, a unique `username`. */
export const contract004 = definePreset({
  basePath: '/auth',
  auth: {
    // `"id": 1`: the store numbers the users.
    userIds: 'integer',
    profile: z.object({
      username: z.string().trim().min(1).max(150).regex(/^[\w.@+-]+$/, 'Enter a valid username: letters, digits and @/./+/-/_ only.'),
      firstName: z.string().trim().max(150).optional(),
      lastName: z.string().trim().max(150).optional(),
    }),
    // DRF refuses a second account with a username already in use.
    uniqueProfileFields: ['username'],
    // "6 characters (alphanumeric, excluding ambiguous characters)", "expire after 10 minutes",
    // "single-use"; verifying answers tokens; "unverified accounts will receive 401".
    emailVerification: { method: 'code', codeTtl: '10m', requiredForLogin: true, autoLoginOnVerify: true },
    // "Access Token: 60 minutes", "Refresh Token: 7 days", "rotate on use".
    accessToken: { ttl: '60m' },
    session: { idleTtl: '7d', rotateRefreshTokens: true },
    // The document states no rule; DRF's default validators are a minimum length, a common-password
    // list and similarity to the user's attributes: the same here, without class rules.
    password: { minLength: 8, requireUppercase: false, requireLowercase: false, requireDigit: false },
  },
  http: {
    casing: 'snake',
    passwordConfirmation: true,
    // 400 for what a serializer refuses (a wrong, used or expired code included), 401 for an
    // unverified account at login, as the document says.
    statuses: { VALIDATION_FAILED: 400, WEAK_PASSWORD: 400, TOKEN_INVALID: 400, TOKEN_EXPIRED: 400, EMAIL_NOT_VERIFIED: 401 },
    messages: { TOKEN_INVALID: 'Invalid or already used code.', TOKEN_EXPIRED: 'The code has expired.' },
    routes: {
      register: {
        fields: { passwordConfirmation: 're_password' },
        message: 'Registration successful. Please check your email to verify your account.',
        response: (data, { message }) => ({ email: data.user.email, message }),
      },
      verifyEmail: {
        message: 'Email verified successfully',
        response: (data, { message }) => ({
          message,
          access: data.tokens?.accessToken,
          refresh: data.tokens?.refreshToken,
          user: { id: data.user.id, email: data.user.email, username: data.user.username, firstName: data.user.firstName, lastName: data.user.lastName },
        }),
      },
      login: { response: (data) => ({ refresh: data.tokens.refreshToken, access: data.tokens.accessToken }) },
      refresh: { fields: { refreshToken: 'refresh' }, response: (data) => ({ access: data.tokens.accessToken, refresh: data.tokens.refreshToken }) },
    },
    formatSuccess: ({ data, message }) => data ?? { message },
    formatError: (error, { route }) => {
      const byField: Record<string, string[]> = {};
      for (const issue of error.fields ?? []) (byField[issue.field] ??= []).push(issue.message);
      // A refused verification code is the `code` field's error, as a serializer reports it.
      if (route === 'verifyEmail' && (error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED')) byField.code = [error.message];
      return { ...byField, detail: error.message };
    },
  },
});
