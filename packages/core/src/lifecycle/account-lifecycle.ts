import type { AuthContext } from '../context.js';
import type { SessionEndReason } from '../events.js';
import { sha256 } from '../lib/crypto.js';
import type { OneTimeTokenPurpose, UserId, UserRecord } from '../ports/store.js';

/**
 * A change of credentials or account state after which earlier sessions and single-use
 * tokens must not keep working. Every flow that makes one of these changes goes through
 * {@link endAccountState}; nothing else decides what they undo.
 */
export type AccountChange = 'password_reset' | 'password_changed' | 'email_changed' | 'logout_all' | 'user_disabled' | 'user_deleted';

/** Which sessions a change ends: every one, or every one but the caller's. */
export type SessionsEnded = 'all' | 'others';

/** What one {@link AccountChange} ends and voids. */
export interface LifecycleRule {
  /** Sessions (refresh-token families, and with them their access tokens) that end. */
  sessions: SessionsEnded;
  /** Purposes of outstanding single-use tokens that are voided. */
  voids: readonly OneTimeTokenPurpose[];
  /** Why, in a sentence, for `docs/security.md`. */
  why: string;
}

/** Every purpose a single-use token can have. */
export const EVERY_PURPOSE: readonly OneTimeTokenPurpose[] = [
  'email-verification',
  'email-verification-code',
  'password-reset',
  'email-change',
  'email-change-code',
];

/**
 * The one table of what each change undoes. Every change voids every purpose: a link or code
 * mailed before the change was asked for under the old state, and a pending email change is
 * exactly what an intruder leaves behind (they start a change to their own address, the owner
 * resets the password, and the link would still hand the account over).
 */
export const LIFECYCLE: Readonly<Record<AccountChange, LifecycleRule>> = {
  password_reset: { sessions: 'all', voids: EVERY_PURPOSE, why: 'whoever knew the old password, or held a session, is out' },
  password_changed: { sessions: 'others', voids: EVERY_PURPOSE, why: 'the caller proved the current password; every other session is out' },
  email_changed: {
    sessions: 'others',
    voids: EVERY_PURPOSE,
    why: 'links sent to the old address stop working; other sessions end unless `emailChange.endOtherSessions` is `false`',
  },
  logout_all: { sessions: 'all', voids: EVERY_PURPOSE, why: '"log out everywhere" is what an owner does when they fear an intruder' },
  user_disabled: { sessions: 'all', voids: EVERY_PURPOSE, why: 'a disabled account can do nothing' },
  user_deleted: { sessions: 'all', voids: EVERY_PURPOSE, why: 'ended before the store deletes the user, so a deletion that fails half way leaves nothing usable' },
};

/** What {@link endAccountState} needs to know about the change. */
export interface EndAccountStateOptions {
  userId: UserId;
  /** The caller's session, kept live where the rule ends only the others. */
  exceptSessionId?: string | undefined;
  now: Date;
  ip?: string | undefined;
}

/** The session-end reason reported for each change. */
const REASONS: Readonly<Record<AccountChange, SessionEndReason>> = {
  password_reset: 'password_reset',
  password_changed: 'password_changed',
  email_changed: 'email_changed',
  logout_all: 'logout_all',
  user_disabled: 'user_disabled',
  user_deleted: 'user_deleted',
};

/** The sessions a change ends under this config: the table, with the app's opt-out for email changes. */
function sessionsEnded(ctx: AuthContext, change: AccountChange): SessionsEnded | 'none' {
  if (change === 'email_changed' && !ctx.config.emailChange.endOtherSessions) return 'none';
  return LIFECYCLE[change].sessions;
}

/**
 * Ends the sessions of a user that a change ends, without voiding tokens or reporting it. For
 * flows that end sessions once before and once after writing a credential (see
 * `commitNewPassword`). Returns how many sessions ended.
 */
export async function endSessions(ctx: AuthContext, change: AccountChange, options: EndAccountStateOptions): Promise<number> {
  const sessions = sessionsEnded(ctx, change);
  if (sessions === 'none') return 0;
  const except = sessions === 'others' ? options.exceptSessionId : undefined;
  return ctx.store.revokeUserSessions(options.userId, { now: options.now, reason: REASONS[change], ...(except === undefined ? {} : { exceptSessionId: except }) });
}

/**
 * Applies the {@link LIFECYCLE} rule of a change that has just been written: ends the sessions
 * it ends, voids every outstanding single-use token it voids, and reports `session.ended`.
 * `alreadyEnded` adds sessions the flow ended itself before the write, to the reported count.
 * Returns how many sessions ended.
 */
export async function endAccountState(ctx: AuthContext, change: AccountChange, options: EndAccountStateOptions & { alreadyEnded?: number }): Promise<number> {
  const count = (options.alreadyEnded ?? 0) + (await endSessions(ctx, change, options));
  await ctx.store.voidOneTimeTokens(options.userId, LIFECYCLE[change].voids, options.now);
  ctx.emit({ type: 'session.ended', userId: options.userId, sessionId: null, reason: REASONS[change], count, at: options.now, ip: options.ip });
  return count;
}

/**
 * A digest of the credentials an account has now. A token that authorizes a change of the
 * account (an email change) carries the stamp of the moment it was asked for, and is refused
 * once the stamp differs: after a password reset or change, whatever was asked for before is void,
 * even if it was issued concurrently with the change and escaped the voiding.
 */
export function credentialStamp(user: Pick<UserRecord, 'passwordHash'>): string {
  return sha256(`gatehouse-credential:${user.passwordHash ?? ''}`).slice(0, 22);
}
