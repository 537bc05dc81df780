import type { UserId } from './ports/store.js';

/** Why a session ended. */
export type SessionEndReason =
  | 'logout'
  | 'logout_all'
  | 'revoked'
  | 'refresh_token_reused'
  | 'password_changed'
  | 'password_reset'
  | 'email_changed'
  | 'session_limit'
  | 'user_disabled'
  | 'user_deleted';

/** Why a login was refused. */
export type LoginFailureReason = 'unknown_email' | 'wrong_password' | 'account_disabled' | 'email_not_verified' | 'locked_out';

/** Fields every event carries. */
export interface EventBase {
  /** When it happened (from the configured clock). */
  at: Date;
  /** Client IP, when the flow was called with one. */
  ip?: string | undefined;
}

/**
 * Every security-relevant step a flow takes, for audit logs and metrics. Events never carry a
 * password, a token, a code or a hash.
 */
export type AuthEvent =
  | (EventBase & { type: 'user.registered'; userId: UserId })
  | (EventBase & { type: 'user.register_existing'; userId: UserId })
  | (EventBase & { type: 'user.status_changed'; userId: UserId; status: string })
  | (EventBase & { type: 'user.deleted'; userId: UserId })
  | (EventBase & { type: 'login.succeeded'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'login.failed'; reason: LoginFailureReason; userId?: UserId })
  | (EventBase & { type: 'session.created'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'session.ended'; userId: UserId; sessionId: string | null; reason: SessionEndReason; count: number })
  | (EventBase & { type: 'refresh_token.rotated'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'refresh_token.used'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'access_token.reissued'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'refresh_token.grace_retry'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'refresh_token.reused'; userId: UserId; sessionId: string })
  | (EventBase & { type: 'password.rehashed'; userId: UserId })
  | (EventBase & { type: 'password.changed'; userId: UserId })
  | (EventBase & { type: 'password.reset_requested'; userId?: UserId })
  | (EventBase & { type: 'password.reset'; userId: UserId })
  | (EventBase & { type: 'profile.updated'; userId: UserId; fields: string[] })
  | (EventBase & { type: 'email.verification_sent'; userId: UserId })
  | (EventBase & { type: 'email.verified'; userId: UserId })
  | (EventBase & { type: 'email.verification_failed'; userId?: UserId; reason: string })
  | (EventBase & { type: 'email.change_requested'; userId: UserId })
  | (EventBase & { type: 'email.changed'; userId: UserId })
  | (EventBase & { type: 'mail.failed'; userId?: UserId; template: string })
  | (EventBase & { type: 'password.check_failed'; userId: UserId; flow: 'change_password' | 'change_email' })
  | (EventBase & { type: 'rate_limit.exceeded'; rule: string })
  | (EventBase & { type: 'account.locked'; userId?: UserId });

/** The `type` of every {@link AuthEvent}. */
export type AuthEventType = AuthEvent['type'];
