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
  | (EventBase & { type: 'user.registered'; userId: string })
  | (EventBase & { type: 'user.register_existing'; userId: string })
  | (EventBase & { type: 'user.status_changed'; userId: string; status: string })
  | (EventBase & { type: 'user.deleted'; userId: string })
  | (EventBase & { type: 'login.succeeded'; userId: string; sessionId: string })
  | (EventBase & { type: 'login.failed'; reason: LoginFailureReason; userId?: string })
  | (EventBase & { type: 'session.created'; userId: string; sessionId: string })
  | (EventBase & { type: 'session.ended'; userId: string; sessionId: string | null; reason: SessionEndReason; count: number })
  | (EventBase & { type: 'refresh_token.rotated'; userId: string; sessionId: string })
  | (EventBase & { type: 'refresh_token.used'; userId: string; sessionId: string })
  | (EventBase & { type: 'access_token.reissued'; userId: string; sessionId: string })
  | (EventBase & { type: 'refresh_token.grace_retry'; userId: string; sessionId: string })
  | (EventBase & { type: 'refresh_token.reused'; userId: string; sessionId: string })
  | (EventBase & { type: 'password.rehashed'; userId: string })
  | (EventBase & { type: 'password.changed'; userId: string })
  | (EventBase & { type: 'password.reset_requested'; userId?: string })
  | (EventBase & { type: 'password.reset'; userId: string })
  | (EventBase & { type: 'profile.updated'; userId: string; fields: string[] })
  | (EventBase & { type: 'email.verification_sent'; userId: string })
  | (EventBase & { type: 'email.verified'; userId: string })
  | (EventBase & { type: 'email.verification_failed'; userId?: string; reason: string })
  | (EventBase & { type: 'email.change_requested'; userId: string })
  | (EventBase & { type: 'email.changed'; userId: string })
  | (EventBase & { type: 'mail.failed'; userId?: string; template: string })
  | (EventBase & { type: 'password.check_failed'; userId: string; flow: 'change_password' | 'change_email' })
  | (EventBase & { type: 'rate_limit.exceeded'; rule: string })
  | (EventBase & { type: 'account.locked'; userId?: string });

/** The `type` of every {@link AuthEvent}. */
export type AuthEventType = AuthEvent['type'];
