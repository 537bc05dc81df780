import type { z } from 'zod';
import { configWarnings, parseConfig, resolveConfig, type AuthConfig, type ResolvedConfig } from './config.js';
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
import { confirmPasswordReset, type ConfirmPasswordResetInput } from './flows/password-reset.js';
import { requestPasswordReset, type RequestPasswordResetInput } from './flows/request-password-reset.js';
import { changePassword, type ChangePasswordInput } from './flows/change-password.js';
import {
  confirmEmailChange,
  requestEmailChange,
  type ConfirmEmailChangeInput,
  type ConfirmEmailChangeResult,
  type RequestEmailChangeInput,
} from './flows/change-email.js';
import { cryptoRandom, randomToken } from './lib/crypto.js';
import { backgroundWork } from './lib/background-work.js';
import { guardPort } from './lib/guard-port.js';
import type { AuthUser } from './lib/users.js';
import { memoryRateLimitStore } from './memory/memory-rate-limit-store.js';
import { systemClock } from './memory/system-clock.js';
import { argon2Hasher } from './password/argon2-hasher.js';
import type { Logger } from './ports/logger.js';
import type { UserId } from './ports/store.js';
import type { AppUserId, UserIdOf, UserIdsOption } from './user-ids/user-ids.js';
import type { RequestMeta } from './context.js';
import type { ProfileSchema, defaultProfileSchema } from './profile.js';
import { accessTokenCodec } from './tokens/access-token.js';
import { resolveKeys, type ResolvedKey } from './tokens/signing-keys.js';
import { deriveRotationSecret } from './sessions/sessions.js';
import { consoleLogger, silentLogger } from './lib/console-logger.js';

/**
 * The flows of one Gatehouse instance, bound to its config and ports. `P` is the profile, `Id`
 * the type of user ids: `createAuth` gives `number` for `userIds: 'integer'` and `string`
 * otherwise; unnamed, or when the compiler does not know the config's `userIds`, it is your
 * app's (`AppTypes`, `string` unless declared).
 */
export interface Auth<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  /** Creates an account; see {@link register}. */
  register(input: Omit<RegisterInput, 'profile'> & { profile?: Partial<P> }): Promise<RegisterResult<P, Id>>;
  /** Checks an email and password and starts a session; see {@link login}. */
  login(input: LoginInput): Promise<LoginResult<P, Id>>;
  /** Rotates a refresh token; see {@link refresh}. */
  refresh(input: RefreshInput): Promise<RefreshResult<P, Id>>;
  /** A new access token for the live session of a valid one, without a refresh token; see {@link reissueAccessToken}. */
  reissueAccessToken(input: ReissueAccessTokenInput): Promise<ReissueAccessTokenResult<P, Id>>;
  /** Ends the caller's session; see {@link logout}. */
  logout(input: LogoutInput<Id>): Promise<void>;
  /** Ends every session of a user; see {@link logoutAll}. */
  logoutAll(input: LogoutAllInput<Id>): Promise<{ count: number }>;
  /** Verifies an access token (and its session); see {@link authenticate}. */
  authenticate(accessToken: string): Promise<Identity<Id>>;
  /** Reads a user's account and profile. */
  getProfile(input: GetProfileInput<Id>): Promise<AuthUser<P, Id>>;
  /** Changes profile fields. */
  updateProfile(input: { userId: Id; profile: Partial<P> } & RequestMeta): Promise<AuthUser<P, Id>>;
  /** Lists a user's live sessions. */
  listSessions(input: ListSessionsInput<Id>): Promise<SessionInfo[]>;
  /** Ends one of a user's sessions. */
  revokeSession(input: RevokeSessionInput<Id>): Promise<void>;
  /** Enables or disables an account (admin). */
  setUserStatus(input: SetUserStatusInput<Id>): Promise<AuthUser<P, Id>>;
  /** Deletes an account (admin). */
  deleteUser(input: DeleteUserInput<Id>): Promise<void>;
  /** Verifies an address with the emailed link token or code; see {@link verifyEmail}. */
  verifyEmail(input: VerifyEmailInput<Id>): Promise<VerifyEmailResult<P, Id>>;
  /** Sends a new verification email; same answer whatever the account; see {@link resendVerification}. */
  resendVerification(input: ResendVerificationInput): Promise<void>;
  /** Emails a password-reset link; same answer whatever the account; see {@link requestPasswordReset}. */
  requestPasswordReset(input: RequestPasswordResetInput): Promise<void>;
  /** Sets a new password with a reset token and ends every session; see {@link confirmPasswordReset}. */
  confirmPasswordReset(input: ConfirmPasswordResetInput): Promise<void>;
  /** Changes a logged-in user's password and ends their other sessions; see {@link changePassword}. */
  changePassword(input: ChangePasswordInput<Id>): Promise<void>;
  /** Starts a change of address: the new one gets a link or code, the old one a notice; see {@link requestEmailChange}. */
  requestEmailChange(input: RequestEmailChangeInput<Id>): Promise<void>;
  /** Completes a change of address with the token or code sent to it; see {@link confirmEmailChange}. */
  confirmEmailChange(input: ConfirmEmailChangeInput<Id>): Promise<ConfirmEmailChangeResult<P, Id>>;
  /** The public keys as a JWKS document (empty with an HS256 secret). */
  jwks(): { keys: Record<string, unknown>[] };
  /**
   * Resolves once the work this instance runs after its answers has finished: the emails of
   * `requestPasswordReset`, `resendVerification` and `register`, whose tokens are issued and
   * sent only after the answer, so that its timing cannot tell whether an account exists. Work
   * started while waiting is waited for too. Never rejects: a failure there has already been
   * logged and reported as a `mail.failed` event. Every store and mailer call in it is bounded
   * by `storeTimeout` and `mailTimeout`.
   *
   * Await it in tests before reading a mailbox, and on shutdown before closing the store.
   *
   * @example
   * ```ts
   * await auth.requestPasswordReset({ email: 'ada@example.com' });
   * await auth.settled(); // the reset link has reached the mailer, or its failure was reported
   *
   * // Graceful shutdown: stop taking requests, let the pending emails go, then close the pool.
   * process.once('SIGTERM', () => {
   *   server.close(async () => {
   *     await auth.settled();
   *     await db.destroy();
   *   });
   * });
   * ```
   */
  settled(): Promise<void>;
  /** The context the flows run over, for adapters and for calling flow functions directly. */
  readonly context: AuthContext;
  /** The validated config with its defaults. */
  readonly config: ResolvedConfig;
}


/** The secret material refresh-token successors are derived from: the explicit one, else the signing key. */
function rotationMaterial(explicit: string | Uint8Array | undefined, keys: readonly ResolvedKey[]): Uint8Array {
  if (explicit !== undefined) return typeof explicit === 'string' ? new TextEncoder().encode(explicit) : explicit;
  const signing = keys.find((key) => key.signingKey !== null)?.signingKey;
  if (signing instanceof Uint8Array) return signing;
  if (signing) return new Uint8Array(signing.export({ format: 'der', type: 'pkcs8' }));
  throw new TypeError('Invalid Gatehouse config:\n  - keys: at least one key needs a privateKey to sign tokens.');
}

/**
 * Creates a Gatehouse instance: validates the config once and binds every flow to it.
 *
 * @throws TypeError when the config is invalid, with a message naming each problem and its fix.
 * User ids are typed from `userIds`: `number` for `'integer'`, `string` otherwise.
 * @example
 * ```ts
 * import { createAuth, memoryStore, memoryMailer } from '@gatehouse-auth/core';
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
export function createAuth<S extends ProfileSchema = typeof defaultProfileSchema, U extends UserIdsOption = 'uuid'>(
  config: AuthConfig<S, U>,
): Auth<z.output<S>, UserIdOf<U>> {
  const parsed = parseConfig(config);
  const resolved = resolveConfig(parsed);
  const logger = parsed.logger === false ? silentLogger : (parsed.logger ?? consoleLogger());
  for (const warning of configWarnings(parsed)) logger.warn(warning);
  const keys = resolveKeys(parsed.secret, parsed.keys);
  const onEvent = parsed.onEvent;
  const random = parsed.random ?? cryptoRandom();
  const hasher = guardPort(parsed.hasher ?? argon2Hasher(), 'hasher', logger);
  let dummy: Promise<string> | undefined;
  const background = backgroundWork(logger);

  const context: AuthContext = {
    store: guardPort(parsed.store, 'store', logger, { timeoutMs: parsed.storeTimeout * 1000 }),
    mailer: parsed.mailer ?? null,
    rateLimitStore: guardPort(parsed.rateLimitStore ?? memoryRateLimitStore({ logger }), 'rateLimitStore', logger, { timeoutMs: parsed.storeTimeout * 1000 }),
    clock: parsed.clock ?? systemClock(),
    hasher,
    random,
    logger,
    config: resolved,
    accessTokens: accessTokenCodec({ keys, ...resolved.accessToken }),
    rotationSecret: deriveRotationSecret(rotationMaterial(parsed.session.rotationSecret, keys)),
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
    defer: background.defer,
  };

  type P = z.output<S>;
  // The flows serve any kind of id; the config's `userIds` decides which one this instance has.
  type Id = UserIdOf<U>;
  return {
    register: (input) => register(context, input) as Promise<RegisterResult<P, Id>>,
    login: (input) => login(context, input) as Promise<LoginResult<P, Id>>,
    refresh: (input) => refresh(context, input) as Promise<RefreshResult<P, Id>>,
    reissueAccessToken: (input) => reissueAccessToken(context, input) as Promise<ReissueAccessTokenResult<P, Id>>,
    logout: (input) => logout(context, input),
    logoutAll: (input) => logoutAll(context, input),
    authenticate: (accessToken) => authenticate(context, accessToken) as Promise<Identity<Id>>,
    getProfile: (input) => getProfile(context, input) as Promise<AuthUser<P, Id>>,
    updateProfile: (input) => updateProfile(context, input) as Promise<AuthUser<P, Id>>,
    listSessions: (input) => listSessions(context, input),
    revokeSession: (input) => revokeSession(context, input),
    setUserStatus: (input) => setUserStatus(context, input) as Promise<AuthUser<P, Id>>,
    deleteUser: (input) => deleteUser(context, input),
    verifyEmail: (input) => verifyEmail(context, input) as Promise<VerifyEmailResult<P, Id>>,
    resendVerification: (input) => resendVerification(context, input),
    requestPasswordReset: (input) => requestPasswordReset(context, input),
    confirmPasswordReset: (input) => confirmPasswordReset(context, input),
    changePassword: (input) => changePassword(context, input),
    requestEmailChange: (input) => requestEmailChange(context, input),
    confirmEmailChange: (input) => confirmEmailChange(context, input) as Promise<ConfirmEmailChangeResult<P, Id>>,
    jwks: () => context.accessTokens.jwks(),
    settled: background.settled,
    context,
    config: resolved,
  };
}
