export { createAuth } from './create-auth.js';
export type { Auth } from './create-auth.js';
export type { AuthConfig, ResolvedConfig, SigningKey } from './config.js';
export type { EmailChangeOptions, EmailVerificationOptions, PasswordResetOptions } from './mail/emailed-token-options.js';
export type { SessionOptions } from './sessions/options.js';
export type { AccessTokenOptions } from './tokens/options.js';
export type { AppTypes, AppUserId, ResolvedUserIds, UserIdGenerator, UserIdOf, UserIdsOption } from './user-ids/user-ids.js';
export type { AuthContext, RequestMeta } from './context.js';

export { AuthError, AUTH_ERROR_CODES, isAuthError } from './errors.js';
export type { AuthErrorCode, AuthErrorOptions, FieldIssue } from './errors.js';
export type { AuthEvent, AuthEventType, EventBase, LoginFailureReason, SessionEndReason } from './events.js';

export { register } from './flows/register.js';
export type { RegisterInput, RegisterResult } from './flows/register.js';
export { login } from './flows/login.js';
export type { LoginInput, LoginResult } from './flows/login.js';
export { refresh } from './flows/refresh.js';
export type { RefreshInput, RefreshResult } from './flows/refresh.js';
export { reissueAccessToken } from './flows/reissue-access-token.js';
export type { ReissueAccessTokenInput, ReissueAccessTokenResult } from './flows/reissue-access-token.js';
export { logout, logoutAll } from './flows/logout.js';
export type { LogoutAllInput, LogoutInput } from './flows/logout.js';
export { authenticate } from './flows/authenticate.js';
export type { Identity } from './flows/authenticate.js';
export { getProfile, updateProfile } from './flows/profile.js';
export type { GetProfileInput, UpdateProfileInput } from './flows/profile.js';
export { listSessions, revokeSession } from './flows/sessions.js';
export type { ListSessionsInput, RevokeSessionInput, SessionInfo } from './flows/sessions.js';
export { deleteUser, setUserStatus } from './flows/admin.js';
export type { DeleteUserInput, SetUserStatusInput } from './flows/admin.js';
export { verifyEmail } from './flows/verify-email.js';
export type { VerifyEmailInput, VerifyEmailResult } from './flows/verify-email.js';
export { resendVerification } from './flows/resend-verification.js';
export type { ResendVerificationInput } from './flows/resend-verification.js';
export { confirmPasswordReset } from './flows/password-reset.js';
export type { ConfirmPasswordResetInput } from './flows/password-reset.js';
export { requestPasswordReset } from './flows/request-password-reset.js';
export type { RequestPasswordResetInput } from './flows/request-password-reset.js';
export { changePassword } from './flows/change-password.js';
export type { ChangePasswordInput } from './flows/change-password.js';
export { confirmEmailChange, requestEmailChange } from './flows/change-email.js';
export type { ConfirmEmailChangeInput, ConfirmEmailChangeResult, RequestEmailChangeInput } from './flows/change-email.js';
export type { AuthUser } from './lib/users.js';
export type { AccessGrant, TokenPair } from './sessions/sessions.js';

export { normalizeEmail } from './email.js';
export { defaultProfileSchema } from './profile.js';
export { normalizeUniqueValue, uniqueValueTakenError } from './unique-values.js';
export type { DefaultProfile, ProfileSchema } from './profile.js';
export type { Duration } from './lib/duration.js';

export type { Clock } from './ports/clock.js';
export type { Logger } from './ports/logger.js';
export type { MailMessage, Mailer } from './ports/mailer.js';
export { consoleMailer } from './mail/console-mailer.js';
export { consoleLogger } from './lib/console-logger.js';
export type { ConsoleMailerOptions } from './mail/console-mailer.js';
export { defaultEmailTemplates } from './mail/email-templates.js';
export type {
  EmailChangeNoticeData,
  EmailContent,
  EmailTemplateName,
  EmailTemplates,
  ExistingAccountEmailData,
  PasswordChangedEmailData,
  PasswordResetEmailData,
  VerificationEmailData,
} from './mail/email-templates.js';
export type { PasswordHasher } from './ports/password-hasher.js';
export type { RandomSource } from './ports/random-source.js';
export type { RateLimitHitOptions, RateLimitState, RateLimitStore } from './ports/rate-limit-store.js';
export type {
  CreateUserOptions,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RevokeOptions,
  RevokeUserSessionsOptions,
  RotateRefreshTokenInput,
  SessionRecord,
  SessionWithUser,
  Store,
  NewUserRecord,
  UserId,
  UserIdKind,
  UserPatch,
  UserRecord,
  UserStatus,
  UniqueValue,
  UserExpectation,
  UpdateUserOptions,
  CheckOneTimeCodeInput,
  OneTimeCodeCheck,
} from './ports/store.js';

export { memoryStore } from './memory/memory-store.js';
export { memoryRateLimitStore } from './memory/memory-rate-limit-store.js';
export type { MemoryRateLimitStoreOptions } from './memory/memory-rate-limit-store.js';
export { memoryMailer } from './memory/memory-mailer.js';
export type { MemoryMailer, MemoryMailerOptions, SentMessage } from './memory/memory-mailer.js';
export { fakeClock } from './memory/fake-clock.js';
export type { FakeClock } from './memory/fake-clock.js';
export { systemClock } from './memory/system-clock.js';

export { argon2Hasher } from './password/argon2-hasher.js';
export type { Argon2HasherOptions } from './password/argon2-hasher.js';
export { checkPassword, DEFAULT_PASSWORD_POLICY } from './password/policy.js';
export type { PasswordContext, PasswordPolicy } from './password/policy.js';
export { clientKey } from './rate-limit/client-key.js';
export { DEFAULT_RATE_LIMITS } from './rate-limit/rules.js';
export type { RateLimitOptions, RateLimitRule, RateLimitRuleName } from './rate-limit/rules.js';
export type { AccessTokenAlgorithm } from './tokens/signing-keys.js';
export type { AccessTokenClaims } from './tokens/access-token.js';
