import { z } from 'zod';
import type { RequestMeta } from '../context.js';
import type { Auth } from '../create-auth.js';
import { AuthError } from '../errors.js';
import type { Identity } from '../flows/authenticate.js';
import { confirmEmailChangeTokenSchema, requestEmailChangeSchema } from '../flows/change-email.js';
import { changePasswordSchema } from '../flows/change-password.js';
import { confirmPasswordResetSchema, requestPasswordResetSchema } from '../flows/password-reset.js';
import { resendVerificationSchema } from '../flows/resend-verification.js';
import { codeInputSchema, verifyEmailCodeSchema, verifyEmailTokenSchema } from '../flows/verify-email.js';
import type { TokenPair } from '../lib/sessions.js';
import { RESERVED_PROFILE_FIELDS } from '../profile.js';
import { loginSchema, refreshSchema, registerSchema, tokenInputSchema } from '../schemas.js';
import { reissueAccessToken } from './lib/reissue.js';
import type { RouteId } from './options.js';
import { sessionJson, userJson, type TokensJson } from './serialize.js';

/** The HTTP methods the contract uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Whether a route needs `Authorization: Bearer`: always, never, or when a body field asks for it. */
export type RouteAuth = 'bearer' | 'none' | 'optional';

/** What a route handler is given. */
export interface RouteCall {
  /** The body with camelCase field names (aliases, casing and mappers applied); `{}` when none. */
  body: Record<string, unknown>;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The caller, for `bearer` routes and `optional` routes that were sent a token. */
  identity: Identity | null;
  /** The refresh token from the cookie, in cookie mode. */
  cookieToken: string | undefined;
  /** The access token of the Authorization header, if any. */
  bearerToken: string | undefined;
  meta: RequestMeta;
  /** The JSON form of tokens the route hands out (without the refresh token in cookie mode). */
  tokens(pair: TokenPair): TokensJson;
}

/** What a route handler answers: data for the envelope, and tokens to hand out. */
export interface RouteOutcome {
  /** The route's data, before mappers, casing and the envelope; `null` for "message only". */
  data: unknown;
  /** Tokens handed out (their refresh token goes in the cookie in cookie mode). */
  tokens?: TokenPair | null;
  /** Remove the refresh-token cookie (the session ended). */
  clearCookie?: boolean;
}

/** One route of the contract, framework-free. */
export interface RouteDefinition {
  id: RouteId;
  method: HttpMethod;
  /** Path below the mount point, with `:param` segments. */
  path: string;
  auth: RouteAuth;
  /** Zod schema of the JSON body (camelCase), for validation by the flow, the OpenAPI document and Fastify's route schemas. */
  body?: z.ZodType;
  /** Zod schema of the path parameters. */
  params?: z.ZodObject;
  /** The field holding a new password, whose `…Confirmation` field `passwordConfirmation` checks. */
  passwordField?: string;
  /** Short description, for the OpenAPI document. */
  summary: string;
  /** An emailed link: answers JSON or redirects (`linkRedirect`), needs no app header. */
  link?: boolean;
  /** Serves a standard document as it is: no envelope, no casing, no app header, no per-IP limit. */
  raw?: boolean;
  handle(call: RouteCall): Promise<RouteOutcome>;
}

function text(value: unknown): string {
  // The flows validate every input with zod; a non-string is passed on for them to refuse.
  return value as string;
}

/** The profile fields of a body: everything that is not an account field or a field the route consumed. */
function profileFields(body: Record<string, unknown>, consumed: readonly string[]): Record<string, unknown> {
  const reserved = new Set([...RESERVED_PROFILE_FIELDS, ...consumed, '__proto__']);
  return Object.fromEntries(Object.entries(body).filter(([key]) => !reserved.has(key)));
}

function required(identity: Identity | null): Identity {
  if (!identity) throw new AuthError('UNAUTHENTICATED');
  return identity;
}

const idParams = z.object({ id: z.string().min(1).max(128) });
const tokenParams = z.object({ token: tokenInputSchema });

/**
 * The route table: every route of the contract with its method, default path, schema, auth
 * and the flow it calls. Paths here are the defaults; the handler applies `paths`.
 */
export function routeTable<P>(auth: Auth<P>, profileSchema: z.ZodObject, options: { accessTokenRefresh: boolean }): RouteDefinition[] {
  const user = (value: Parameters<typeof userJson>[0]) => userJson(value);
  const profileBody = profileSchema.partial();

  return [
    {
      id: 'register',
      method: 'POST',
      path: '/register',
      auth: 'none',
      body: registerSchema.extend(profileSchema.shape),
      passwordField: 'password',
      summary: 'Create an account and send the verification email',
      async handle({ body, meta, tokens }) {
        const result = await auth.register({
          email: text(body.email),
          password: text(body.password),
          profile: profileFields(body, ['email', 'password', 'passwordConfirmation']) as Partial<P>,
          ...meta,
        });
        return { data: { user: user(result.user), tokens: result.tokens && tokens(result.tokens), verificationRequired: result.verificationRequired }, tokens: result.tokens };
      },
    },
    {
      id: 'login',
      method: 'POST',
      path: '/login',
      auth: 'none',
      body: loginSchema,
      summary: 'Log in with an email and password',
      async handle({ body, meta, tokens }) {
        const result = await auth.login({ email: text(body.email), password: text(body.password), ...meta });
        return { data: { user: user(result.user), tokens: result.tokens && tokens(result.tokens) }, tokens: result.tokens };
      },
    },
    {
      id: 'refresh',
      method: 'POST',
      path: '/token/refresh',
      auth: 'none',
      body: refreshSchema.partial(),
      summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
      async handle({ body, cookieToken, bearerToken, meta, tokens }) {
        const refreshToken = body.refreshToken ?? cookieToken;
        if (refreshToken === undefined && options.accessTokenRefresh && bearerToken !== undefined) {
          const pair = await reissueAccessToken(auth, bearerToken, meta);
          return { data: { tokens: tokens(pair) }, tokens: pair };
        }
        const result = await auth.refresh({ refreshToken: text(refreshToken), ...meta });
        return { data: { tokens: tokens(result.tokens) }, tokens: result.tokens };
      },
    },
    {
      id: 'logout',
      method: 'POST',
      path: '/logout',
      auth: 'bearer',
      summary: 'End the current session',
      async handle({ identity, meta }) {
        const { userId, sessionId } = required(identity);
        await auth.logout({ userId, sessionId, ...meta });
        return { data: null, clearCookie: true };
      },
    },
    {
      id: 'logoutAll',
      method: 'POST',
      path: '/logout/all',
      auth: 'bearer',
      summary: 'End every session of the user',
      async handle({ identity, meta }) {
        const { count } = await auth.logoutAll({ userId: required(identity).userId, ...meta });
        return { data: { count }, clearCookie: true };
      },
    },
    {
      id: 'verifyEmail',
      method: 'POST',
      path: '/verify-email',
      auth: 'optional',
      body: z.union([verifyEmailTokenSchema, verifyEmailCodeSchema, z.object({ code: codeInputSchema })]),
      summary: 'Verify an email address with the emailed token, or the code (with the email, or with a bearer token)',
      async handle({ body, identity, meta, tokens }) {
        const input =
          body.token !== undefined
            ? { token: text(body.token) }
            : body.email !== undefined || identity === null
              ? { email: text(body.email), code: text(body.code) }
              : { userId: identity.userId, code: text(body.code) };
        const result = await auth.verifyEmail({ ...input, ...meta });
        return { data: { user: user(result.user), tokens: result.tokens && tokens(result.tokens) }, tokens: result.tokens };
      },
    },
    {
      id: 'verifyEmailLink',
      method: 'GET',
      path: '/verify-email/:token',
      auth: 'none',
      params: tokenParams,
      link: true,
      summary: 'The emailed verification link: verifies, then answers JSON or redirects to the app',
      async handle({ params, meta, tokens }) {
        const result = await auth.verifyEmail({ token: text(params.token), autoLogin: false, ...meta });
        return { data: { user: user(result.user), tokens: result.tokens && tokens(result.tokens) }, tokens: result.tokens };
      },
    },
    {
      id: 'resendVerification',
      method: 'POST',
      path: '/resend-verification',
      auth: 'none',
      body: resendVerificationSchema,
      summary: 'Send a new verification email (same answer whether or not the account exists)',
      async handle({ body, meta }) {
        await auth.resendVerification({ email: text(body.email), ...meta });
        return { data: null };
      },
    },
    {
      id: 'requestPasswordReset',
      method: 'POST',
      path: '/password/reset',
      auth: 'none',
      body: requestPasswordResetSchema,
      summary: 'Email a password-reset link (same answer whether or not the account exists)',
      async handle({ body, meta }) {
        await auth.requestPasswordReset({ email: text(body.email), ...meta });
        return { data: null };
      },
    },
    {
      id: 'confirmPasswordReset',
      method: 'POST',
      path: '/password/reset/confirm',
      auth: 'none',
      body: confirmPasswordResetSchema,
      passwordField: 'password',
      summary: 'Set a new password with the emailed token; ends every session',
      async handle({ body, meta }) {
        await auth.confirmPasswordReset({ token: text(body.token), password: text(body.password), ...meta });
        return { data: null, clearCookie: true };
      },
    },
    {
      id: 'changePassword',
      method: 'POST',
      path: '/password/change',
      auth: 'bearer',
      body: changePasswordSchema,
      passwordField: 'newPassword',
      summary: 'Change the password; ends the other sessions',
      async handle({ body, identity, meta }) {
        const { userId, sessionId } = required(identity);
        await auth.changePassword({ userId, sessionId, currentPassword: text(body.currentPassword), newPassword: text(body.newPassword), ...meta });
        return { data: null };
      },
    },
    {
      id: 'requestEmailChange',
      method: 'POST',
      path: '/change-email',
      auth: 'bearer',
      body: requestEmailChangeSchema,
      summary: 'Start a change of address: the new address gets a link or code',
      async handle({ body, identity, meta }) {
        const { userId, sessionId } = required(identity);
        await auth.requestEmailChange({ userId, sessionId, password: text(body.password), newEmail: text(body.newEmail), ...meta });
        return { data: null };
      },
    },
    {
      id: 'confirmEmailChange',
      method: 'POST',
      path: '/confirm-email-change',
      auth: 'optional',
      body: z.union([confirmEmailChangeTokenSchema, z.object({ code: codeInputSchema })]),
      summary: 'Confirm a change of address with the emailed token, or the code (with a bearer token)',
      async handle({ body, identity, meta }) {
        const input = body.token !== undefined || identity === null ? { token: text(body.token) } : { userId: identity.userId, code: text(body.code) };
        const result = await auth.confirmEmailChange({ ...input, ...meta });
        return { data: { user: user(result.user) } };
      },
    },
    {
      id: 'confirmEmailChangeLink',
      method: 'GET',
      path: '/confirm-email-change/:token',
      auth: 'none',
      params: tokenParams,
      link: true,
      summary: 'The emailed link of a change of address: confirms, then answers JSON or redirects to the app',
      async handle({ params, meta }) {
        const result = await auth.confirmEmailChange({ token: text(params.token), ...meta });
        return { data: { user: user(result.user) } };
      },
    },
    {
      id: 'getProfile',
      method: 'GET',
      path: '/profile',
      auth: 'bearer',
      summary: "The caller's account and profile",
      async handle({ identity }) {
        return { data: { user: user(await auth.getProfile({ userId: required(identity).userId })) } };
      },
    },
    {
      id: 'updateProfile',
      method: 'PATCH',
      path: '/profile',
      auth: 'bearer',
      body: profileBody,
      summary: 'Change profile fields (account fields in the body are ignored)',
      async handle({ body, identity, meta }) {
        const updated = await auth.updateProfile({ userId: required(identity).userId, profile: profileFields(body, []) as Partial<P>, ...meta });
        return { data: { user: user(updated) } };
      },
    },
    {
      id: 'replaceProfile',
      method: 'PUT',
      path: '/profile',
      auth: 'bearer',
      body: profileBody,
      summary: 'Same as PATCH: change the profile fields sent (the others are kept)',
      async handle({ body, identity, meta }) {
        const updated = await auth.updateProfile({ userId: required(identity).userId, profile: profileFields(body, []) as Partial<P>, ...meta });
        return { data: { user: user(updated) } };
      },
    },
    {
      id: 'listSessions',
      method: 'GET',
      path: '/sessions',
      auth: 'bearer',
      summary: "The caller's live sessions, newest first",
      async handle({ identity }) {
        const { userId, sessionId } = required(identity);
        return { data: { sessions: (await auth.listSessions({ userId, sessionId })).map(sessionJson) } };
      },
    },
    {
      id: 'revokeSession',
      method: 'DELETE',
      path: '/sessions/:id',
      auth: 'bearer',
      params: idParams,
      summary: 'End one of the caller’s sessions',
      async handle({ identity, params, meta }) {
        await auth.revokeSession({ userId: required(identity).userId, sessionId: text(params.id), ...meta });
        return { data: null };
      },
    },
    {
      id: 'jwks',
      method: 'GET',
      path: '/.well-known/jwks.json',
      auth: 'none',
      raw: true,
      summary: 'The public keys of asymmetric access tokens (404 with an HS256 secret)',
      async handle() {
        // Served by the handler as a standard document; see `raw`.
        return { data: auth.jwks() };
      },
    },
    {
      id: 'openapi',
      method: 'GET',
      path: '/openapi.json',
      auth: 'none',
      raw: true,
      summary: 'This API as an OpenAPI 3.1 document',
      async handle() {
        // Served by the handler, which knows the resolved paths and options.
        return { data: null };
      },
    },
  ];
}
