import { z } from 'zod';
import { AuthError } from '../errors.js';
import type { Identity } from '../flows/authenticate.js';
import { confirmEmailChangeTokenSchema, requestEmailChangeSchema } from '../flows/change-email.js';
import { changePasswordSchema } from '../flows/change-password.js';
import { confirmPasswordResetSchema } from '../flows/password-reset.js';
import { requestPasswordResetSchema } from '../flows/request-password-reset.js';
import { resendVerificationSchema } from '../flows/resend-verification.js';
import { codeInputSchema, verifyEmailCodeSchema, verifyEmailTokenSchema } from '../flows/verify-email.js';
import { RESERVED_PROFILE_FIELDS } from '../profile.js';
import { loginSchema, refreshSchema, registerSchema, tokenInputSchema } from '../schemas.js';
import { HttpError } from './http-error.js';
import { reissueAccessToken } from './lib/reissue.js';
import { defineRawRoute, defineRoute, type RouteCall, type RouteDeclaration, type RouteOutcome } from './route.js';
import { sessionJson, userJson, type UserJson } from './serialize.js';
import type { UserId } from '../ports/store.js';

function text(value: unknown): string {
  // The flows validate every input with zod; a non-string is passed on for them to refuse.
  return value as string;
}

/** The profile fields of a body: everything that is not an account field or a field the route consumed. */
function profileFields(body: Record<string, unknown>, consumed: readonly string[]): Record<string, unknown> {
  const reserved = new Set([...RESERVED_PROFILE_FIELDS, ...consumed, '__proto__']);
  return Object.fromEntries(Object.entries(body).filter(([key]) => !reserved.has(key)));
}

function required(identity: Identity<UserId> | null): Identity<UserId> {
  if (!identity) throw new AuthError('UNAUTHENTICATED');
  return identity;
}

/** PATCH and PUT /profile: the profile fields sent change, the others are kept. */
async function updateProfile({ auth, body, identity, meta }: RouteCall): Promise<RouteOutcome<{ user: UserJson }>> {
  const updated = await auth.updateProfile({ userId: required(identity).userId, profile: profileFields(body, []), ...meta });
  return { data: { user: userJson(updated) } };
}

const idParams = z.object({ id: z.string().min(1).max(128) });
const tokenParams = z.object({ token: tokenInputSchema });

/**
 * The route table: every route of the contract, each declared once with its method, default
 * path, status, message, schemas, auth and the flow it calls. Adding a route is one entry here
 * (plus its flow and tests); `RouteId`, `DEFAULT_PATHS`, `RouteData`, the OpenAPI document and
 * Fastify's route schemas follow from it.
 */
export const ROUTES = [
  defineRoute({
    id: 'register',
    method: 'POST',
    path: '/register',
    status: 201,
    message: 'Account created.',
    auth: 'none',
    body: (s) => registerSchema.extend(s.profile.shape),
    response: (s) => z.object({ user: s.user, tokens: s.tokens.nullable(), verificationRequired: z.boolean() }),
    passwordField: 'password',
    summary: 'Create an account and send the verification email',
    async handle({ auth, body, meta, tokens }) {
      const result = await auth.register({ email: text(body.email), password: text(body.password), profile: profileFields(body, ['email', 'password', 'passwordConfirmation']), ...meta });
      return { data: { user: userJson(result.user), tokens: result.tokens && tokens(result.tokens), verificationRequired: result.verificationRequired }, tokens: result.tokens };
    },
  }),
  defineRoute({
    id: 'login',
    method: 'POST',
    path: '/login',
    status: 200,
    message: 'Logged in.',
    auth: 'none',
    body: () => loginSchema,
    clientRules: ['login', 'loginPerIp'],
    response: (s) => z.object({ user: s.user, tokens: s.tokens }),
    summary: 'Log in with an email and password',
    async handle({ auth, body, meta, tokens }) {
      const result = await auth.login({ email: text(body.email), password: text(body.password), ...meta });
      return { data: { user: userJson(result.user), tokens: tokens(result.tokens) }, tokens: result.tokens };
    },
  }),
  defineRoute({
    id: 'refresh',
    method: 'POST',
    path: '/token/refresh',
    status: 200,
    message: 'Token refreshed.',
    auth: 'none',
    body: () => refreshSchema.partial(),
    response: (s) => z.object({ tokens: s.tokens }),
    readsRefreshCookie: true,
    summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
    async handle({ auth, body, cookieToken, bearerToken, meta, tokens, accessTokenRefresh }) {
      const refreshToken = body.refreshToken ?? cookieToken;
      if (refreshToken === undefined && accessTokenRefresh && bearerToken !== undefined) {
        const pair = await reissueAccessToken(auth, bearerToken, meta);
        return { data: { tokens: tokens(pair) }, tokens: pair };
      }
      const result = await auth.refresh({ refreshToken: text(refreshToken), ...meta });
      return { data: { tokens: tokens(result.tokens) }, tokens: result.tokens };
    },
  }),
  defineRoute({
    id: 'logout',
    method: 'POST',
    path: '/logout',
    status: 200,
    message: 'Logged out.',
    auth: 'bearer',
    summary: 'End the current session',
    async handle({ auth, identity, meta }) {
      const { userId, sessionId } = required(identity);
      await auth.logout({ userId, sessionId, ...meta });
      return { data: null, clearCookie: true };
    },
  }),
  defineRoute({
    id: 'logoutAll',
    method: 'POST',
    path: '/logout/all',
    status: 200,
    message: 'Logged out of every session.',
    auth: 'bearer',
    response: () => z.object({ count: z.number().int() }),
    summary: 'End every session of the user',
    async handle({ auth, identity, meta }) {
      const { count } = await auth.logoutAll({ userId: required(identity).userId, ...meta });
      return { data: { count }, clearCookie: true };
    },
  }),
  defineRoute({
    id: 'verifyEmail',
    method: 'POST',
    path: '/verify-email',
    status: 200,
    message: 'Email address verified.',
    auth: 'optional',
    body: () => z.union([verifyEmailTokenSchema, verifyEmailCodeSchema, z.object({ code: codeInputSchema })]),
    response: (s) => z.object({ user: s.user, tokens: s.tokens.nullable() }),
    summary: 'Verify an email address with the emailed token, or the code (with the email, with a bearer token, or alone with codeOnly)',
    async handle({ auth, body, identity, meta, tokens }) {
      // A code with neither the address nor a bearer token is a code sent alone: the flow
      // accepts it with `emailVerification.codeOnly` and asks for the address otherwise.
      const input =
        body.token !== undefined
          ? { token: text(body.token) }
          : body.email !== undefined
            ? { email: text(body.email), code: text(body.code) }
            : identity !== null
              ? { userId: identity.userId, code: text(body.code) }
              : { code: text(body.code) };
      const result = await auth.verifyEmail({ ...input, ...meta });
      return { data: { user: userJson(result.user), tokens: result.tokens && tokens(result.tokens) }, tokens: result.tokens };
    },
  }),
  defineRoute({
    id: 'verifyEmailLink',
    method: 'GET',
    path: '/verify-email/:token',
    follows: { route: 'verifyEmail', suffix: '/:token' },
    status: 200,
    message: 'Email address verified.',
    auth: 'none',
    params: tokenParams,
    response: (s) => z.object({ user: s.user, tokens: s.tokens.nullable() }),
    link: true,
    summary: 'The emailed verification link: verifies, then answers JSON or redirects to the app',
    async handle({ auth, params, meta }) {
      // Never a session from a GET: a link opened cross-site would log the browser into the sender's account.
      const result = await auth.verifyEmail({ token: text(params.token), autoLogin: false, ...meta });
      return { data: { user: userJson(result.user), tokens: null } };
    },
  }),
  defineRoute({
    id: 'resendVerification',
    method: 'POST',
    path: '/resend-verification',
    status: 200,
    message: 'If the account exists and is not verified yet, a new verification email is on its way.',
    auth: 'none',
    body: () => resendVerificationSchema,
    summary: 'Send a new verification email (same answer whether or not the account exists)',
    async handle({ auth, body, meta }) {
      await auth.resendVerification({ email: text(body.email), ...meta });
      return { data: null };
    },
  }),
  defineRoute({
    id: 'requestPasswordReset',
    method: 'POST',
    path: '/password/reset',
    status: 200,
    message: 'If an account exists for this address, a password reset email is on its way.',
    auth: 'none',
    body: () => requestPasswordResetSchema,
    summary: 'Email a password-reset link (same answer whether or not the account exists)',
    async handle({ auth, body, meta }) {
      await auth.requestPasswordReset({ email: text(body.email), ...meta });
      return { data: null };
    },
  }),
  defineRoute({
    id: 'confirmPasswordReset',
    method: 'POST',
    path: '/password/reset/confirm',
    status: 200,
    message: 'Password reset. Log in with the new password.',
    auth: 'none',
    body: () => confirmPasswordResetSchema,
    passwordField: 'password',
    summary: 'Set a new password with the emailed token; ends every session',
    async handle({ auth, body, meta }) {
      await auth.confirmPasswordReset({ token: text(body.token), password: text(body.password), ...meta });
      return { data: null, clearCookie: true };
    },
  }),
  defineRoute({
    id: 'changePassword',
    method: 'POST',
    path: '/password/change',
    status: 200,
    message: 'Password changed.',
    auth: 'bearer',
    body: () => changePasswordSchema,
    passwordField: 'newPassword',
    summary: 'Change the password; ends the other sessions',
    async handle({ auth, body, identity, meta }) {
      const { userId, sessionId } = required(identity);
      await auth.changePassword({ userId, sessionId, currentPassword: text(body.currentPassword), newPassword: text(body.newPassword), ...meta });
      return { data: null };
    },
  }),
  defineRoute({
    id: 'requestEmailChange',
    method: 'POST',
    path: '/change-email',
    status: 200,
    message: 'Check the new address for a confirmation email.',
    auth: 'bearer',
    body: () => requestEmailChangeSchema,
    summary: 'Start a change of address: the new address gets a link or code',
    async handle({ auth, body, identity, meta }) {
      const { userId, sessionId } = required(identity);
      await auth.requestEmailChange({ userId, sessionId, password: text(body.password), newEmail: text(body.newEmail), ...meta });
      return { data: null };
    },
  }),
  defineRoute({
    id: 'confirmEmailChange',
    method: 'POST',
    path: '/confirm-email-change',
    status: 200,
    message: 'Email address changed.',
    auth: 'optional',
    body: () => z.union([confirmEmailChangeTokenSchema, z.object({ code: codeInputSchema })]),
    response: (s) => z.object({ user: s.user }),
    summary: 'Confirm a change of address with the emailed token, or the code (with a bearer token)',
    async handle({ auth, body, identity, meta }) {
      const input = body.token !== undefined || identity === null ? { token: text(body.token) } : { userId: identity.userId, code: text(body.code) };
      const result = await auth.confirmEmailChange({ ...input, ...meta });
      return { data: { user: userJson(result.user) } };
    },
  }),
  defineRoute({
    id: 'confirmEmailChangeLink',
    method: 'GET',
    path: '/confirm-email-change/:token',
    follows: { route: 'confirmEmailChange', suffix: '/:token' },
    status: 200,
    message: 'Email address changed.',
    auth: 'none',
    params: tokenParams,
    response: (s) => z.object({ user: s.user }),
    link: true,
    summary: 'The emailed link of a change of address: confirms, then answers JSON or redirects to the app',
    async handle({ auth, params, meta }) {
      const result = await auth.confirmEmailChange({ token: text(params.token), ...meta });
      return { data: { user: userJson(result.user) } };
    },
  }),
  defineRoute({
    id: 'getProfile',
    method: 'GET',
    path: '/profile',
    status: 200,
    message: 'Profile.',
    auth: 'bearer',
    response: (s) => z.object({ user: s.user }),
    summary: "The caller's account and profile",
    async handle({ auth, identity }) {
      return { data: { user: userJson(await auth.getProfile({ userId: required(identity).userId })) } };
    },
  }),
  defineRoute({
    id: 'updateProfile',
    method: 'PATCH',
    path: '/profile',
    status: 200,
    message: 'Profile updated.',
    auth: 'bearer',
    body: (s) => s.profile.partial(),
    response: (s) => z.object({ user: s.user }),
    summary: 'Change profile fields (account fields in the body are ignored)',
    handle: updateProfile,
  }),
  defineRoute({
    id: 'replaceProfile',
    method: 'PUT',
    path: '/profile',
    follows: { route: 'updateProfile', suffix: '' },
    status: 200,
    message: 'Profile updated.',
    auth: 'bearer',
    body: (s) => s.profile.partial(),
    response: (s) => z.object({ user: s.user }),
    summary: 'Same as PATCH: change the profile fields sent (the others are kept)',
    handle: updateProfile,
  }),
  defineRoute({
    id: 'listSessions',
    method: 'GET',
    path: '/sessions',
    status: 200,
    message: 'Sessions.',
    auth: 'bearer',
    response: (s) => z.object({ sessions: z.array(s.session) }),
    summary: "The caller's live sessions, newest first",
    async handle({ auth, identity }) {
      const { userId, sessionId } = required(identity);
      return { data: { sessions: (await auth.listSessions({ userId, sessionId })).map(sessionJson) } };
    },
  }),
  defineRoute({
    id: 'revokeSession',
    method: 'DELETE',
    path: '/sessions/:id',
    status: 200,
    message: 'Session ended.',
    auth: 'bearer',
    params: idParams,
    summary: 'End one of the caller’s sessions',
    async handle({ auth, identity, params, meta }) {
      await auth.revokeSession({ userId: required(identity).userId, sessionId: text(params.id), ...meta });
      return { data: null };
    },
  }),
  defineRawRoute({
    id: 'jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    status: 200,
    message: '',
    auth: 'none',
    summary: 'The public keys of asymmetric access tokens (404 with an HS256 secret)',
    absentWhen: 'Access tokens are signed with an HS256 secret: there are no public keys.',
    async handle({ auth }) {
      const jwks = auth.jwks();
      if (jwks.keys.length === 0) throw new HttpError('NOT_FOUND');
      return { data: jwks, cacheControl: 'public, max-age=300' };
    },
  }),
  defineRawRoute({
    id: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    status: 200,
    message: '',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document',
    async handle({ openapi, basePath }) {
      return { data: openapi(basePath), cacheControl: 'no-cache' };
    },
  }),
] as const satisfies readonly RouteDeclaration<string, any>[];

/** One route of the table. */
export type DeclaredRoute = (typeof ROUTES)[number];
