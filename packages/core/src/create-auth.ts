import type { z } from 'zod';
import { parseConfig, resolveConfig, type AuthConfig, type ResolvedConfig } from './config.js';
import type { AuthContext } from './context.js';
import type { AuthEvent } from './events.js';
import { deleteUser, setUserStatus, type DeleteUserInput, type SetUserStatusInput } from './flows/admin.js';
import { authenticate, type Identity } from './flows/authenticate.js';
import { login, type LoginInput, type LoginResult } from './flows/login.js';
import { logout, logoutAll, type LogoutAllInput, type LogoutInput } from './flows/logout.js';
import { getProfile, updateProfile, type GetProfileInput } from './flows/profile.js';
import { refresh, type RefreshInput, type RefreshResult } from './flows/refresh.js';
import { reissueAccessToken, type ReissueAccessTokenInput, type ReissueAccessTokenResult } from './flows/reissue-access-token.js';
import { register, type RegisterInput, type RegisterResult } from './flows/register.js';
import { listSessions, revokeSession, type ListSessionsInput, type RevokeSessionInput, type SessionInfo } from './flows/sessions.js';
import { verifyEmail, type VerifyEmailInput, type VerifyEmailResult } from './flows/verify-email.js';
import { resendVerification, type ResendVerificationInput } from './flows/resend-verification.js';
import { confirmPasswordReset, requestPasswordReset, type ConfirmPasswordResetInput, type RequestPasswordResetInput } from './flows/password-reset.js';
import { changePassword, type ChangePasswordInput } from './flows/change-password.js';
import {
  confirmEmailChange,
  requestEmailChange,
  type ConfirmEmailChangeInput,
  type ConfirmEmailChangeResult,
  type RequestEmailChangeInput,
} from './flows/change-email.js';
import { cryptoRandom, randomToken } from './lib/crypto.js';
import { guardPort } from './lib/guard-port.js';
import type { AuthUser } from './lib/users.js';
import { memoryRateLimitStore } from './memory/memory-rate-limit-store.js';
import { systemClock } from './memory/system-clock.js';
import { argon2Hasher } from './password/argon2-hasher.js';
import type { Logger } from './ports/logger.js';
import type { RequestMeta } from './context.js';
import type { ProfileSchema, defaultProfileSchema } from './profile.js';
import { accessTokenCodec } from './tokens/access-token.js';
import { resolveKeys } from './tokens/signing-keys.js';

/** The flows of one Gatehouse instance, bound to its config and ports. */
export interface Auth<P = Record<string, unknown>> {
  /** Creates an account; see {@link register}. */
  register(input: Omit<RegisterInput, 'profile'> & { profile?: Partial<P> }): Promise<RegisterResult<P>>;
  /** Checks an email and password and starts a session; see {@link login}. */
  login(input: LoginInput): Promise<LoginResult<P>>;
  /** Rotates a refresh token; see {@link refresh}. */
  refresh(input: RefreshInput): Promise<RefreshResult<P>>;
  /** A new access token for the live session of a valid one, without a refresh token; see {@link reissueAccessToken}. */
  reissueAccessToken(input: ReissueAccessTokenInput): Promise<ReissueAccessTokenResult<P>>;
  /** Ends the caller's session; see {@link logout}. */
  logout(input: LogoutInput): Promise<void>;
  /** Ends every session of a user; see {@link logoutAll}. */
  logoutAll(input: LogoutAllInput): Promise<{ count: number }>;
  /** Verifies an access token (and its session); see {@link authenticate}. */
  authenticate(accessToken: string): Promise<Identity>;
  /** Reads a user's account and profile. */
  getProfile(input: GetProfileInput): Promise<AuthUser<P>>;
  /** Changes profile fields. */
  updateProfile(input: { userId: string; profile: Partial<P> } & RequestMeta): Promise<AuthUser<P>>;
  /** Lists a user's live sessions. */
  listSessions(input: ListSessionsInput): Promise<SessionInfo[]>;
  /** Ends one of a user's sessions. */
  revokeSession(input: RevokeSessionInput): Promise<void>;
  /** Enables or disables an account (admin). */
  setUserStatus(input: SetUserStatusInput): Promise<AuthUser<P>>;
  /** Deletes an account (admin). */
  deleteUser(input: DeleteUserInput): Promise<void>;
  /** Verifies an address with the emailed link token or code; see {@link verifyEmail}. */
  verifyEmail(input: VerifyEmailInput): Promise<VerifyEmailResult<P>>;
  /** Sends a new verification email; same answer whatever the account; see {@link resendVerification}. */
  resendVerification(input: ResendVerificationInput): Promise<void>;
  /** Emails a password-reset link; same answer whatever the account; see {@link requestPasswordReset}. */
  requestPasswordReset(input: RequestPasswordResetInput): Promise<void>;
  /** Sets a new password with a reset token and ends every session; see {@link confirmPasswordReset}. */
  confirmPasswordReset(input: ConfirmPasswordResetInput): Promise<void>;
  /** Changes a logged-in user's password and ends their other sessions; see {@link changePassword}. */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /** Starts a change of address: the new one gets a link or code, the old one a notice; see {@link requestEmailChange}. */
  requestEmailChange(input: RequestEmailChangeInput): Promise<void>;
  /** Completes a change of address with the token or code sent to it; see {@link confirmEmailChange}. */
  confirmEmailChange(input: ConfirmEmailChangeInput): Promise<ConfirmEmailChangeResult<P>>;
  /** The public keys as a JWKS document (empty with an HS256 secret). */
  jwks(): { keys: Record<string, unknown>[] };
  /** The context the flows run over, for adapters and for calling flow functions directly. */
  readonly context: AuthContext;
  /** The validated config with its defaults. */
  readonly config: ResolvedConfig;
}

const silentLogger: Logger = { warn() {}, error() {} };

/**
 * Creates a Gatehouse instance: validates the config once and binds every flow to it.
 *
 * @throws TypeError when the config is invalid, with a message naming each problem and its fix.
 * @example
 * ```ts
 * import { createAuth, memoryStore, memoryMailer } from '@gatehouse/core';
 *
 * const auth = createAuth({
 *   store: memoryStore(),
 *   mailer: memoryMailer(),
 *   secret: process.env.GATEHOUSE_SECRET ?? 'development-secret-of-at-least-32-bytes!',
 *   appUrl: 'https://app.example.com',
 * });
 * const { user } = await auth.register({ email: 'ada@example.com', password: 'Analytical-Engine-1843' });
 * ```
 */
export function createAuth<S extends ProfileSchema = typeof defaultProfileSchema>(config: AuthConfig<S>): Auth<z.output<S>> {
  const parsed = parseConfig(config);
  const resolved = resolveConfig(parsed);
  const logger = parsed.logger ?? silentLogger;
  const keys = resolveKeys(parsed.secret, parsed.keys);
  const onEvent = parsed.onEvent;
  const random = parsed.random ?? cryptoRandom();
  const hasher = guardPort(parsed.hasher ?? argon2Hasher(), 'hasher', logger);
  let dummy: Promise<string> | undefined;

  const context: AuthContext = {
    store: guardPort(parsed.store, 'store', logger, { timeoutMs: parsed.storeTimeout * 1000 }),
    mailer: parsed.mailer ?? null,
    rateLimitStore: guardPort(parsed.rateLimitStore ?? memoryRateLimitStore(), 'rateLimitStore', logger, { timeoutMs: parsed.storeTimeout * 1000 }),
    clock: parsed.clock ?? systemClock(),
    hasher,
    random,
    logger,
    config: resolved,
    accessTokens: accessTokenCodec({ keys, ...resolved.accessToken }),
    emit(event: AuthEvent): void {
      if (!onEvent) return;
      try {
        const result = onEvent(event) as unknown;
        if (result instanceof Promise) result.catch((error: unknown) => logger.error('gatehouse: onEvent failed', { error, type: event.type }));
      } catch (error) {
        logger.error('gatehouse: onEvent failed', { error, type: event.type });
      }
    },
    dummyHash(): Promise<string> {
      dummy ??= hasher.hash(randomToken(random)).catch((error: unknown) => {
        dummy = undefined;
        throw error;
      });
      return dummy;
    },
  };

  type P = z.output<S>;
  return {
    register: (input) => register(context, input) as Promise<RegisterResult<P>>,
    login: (input) => login(context, input) as Promise<LoginResult<P>>,
    refresh: (input) => refresh(context, input) as Promise<RefreshResult<P>>,
    reissueAccessToken: (input) => reissueAccessToken(context, input) as Promise<ReissueAccessTokenResult<P>>,
    logout: (input) => logout(context, input),
    logoutAll: (input) => logoutAll(context, input),
    authenticate: (accessToken) => authenticate(context, accessToken),
    getProfile: (input) => getProfile(context, input) as Promise<AuthUser<P>>,
    updateProfile: (input) => updateProfile(context, input) as Promise<AuthUser<P>>,
    listSessions: (input) => listSessions(context, input),
    revokeSession: (input) => revokeSession(context, input),
    setUserStatus: (input) => setUserStatus(context, input) as Promise<AuthUser<P>>,
    deleteUser: (input) => deleteUser(context, input),
    verifyEmail: (input) => verifyEmail(context, input) as Promise<VerifyEmailResult<P>>,
    resendVerification: (input) => resendVerification(context, input),
    requestPasswordReset: (input) => requestPasswordReset(context, input),
    confirmPasswordReset: (input) => confirmPasswordReset(context, input),
    changePassword: (input) => changePassword(context, input),
    requestEmailChange: (input) => requestEmailChange(context, input),
    confirmEmailChange: (input) => confirmEmailChange(context, input) as Promise<ConfirmEmailChangeResult<P>>,
    jwks: () => context.accessTokens.jwks(),
    context,
    config: resolved,
  };
}
