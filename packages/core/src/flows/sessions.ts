import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import type { UserId } from '../ports/store.js';
import { isSessionLive, sessionEndsAt } from '../sessions/sessions.js';
import { sameUserId, type AppUserId } from '../user-ids/user-ids.js';

/** A live session as its user sees it. */
export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** When it ends if unused. */
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  /** True for the session making the request. */
  current: boolean;
}

/** Input of {@link listSessions}. */
export interface ListSessionsInput<Id extends UserId = AppUserId> {
  userId: Id;
  /** The caller's session, marked `current`. */
  sessionId?: string;
}

/** The user's live sessions, newest first. */
export async function listSessions(ctx: AuthContext, input: ListSessionsInput<UserId>): Promise<SessionInfo[]> {
  const now = ctx.clock.now();
  const sessions = await ctx.store.listSessions(input.userId);
  return sessions
    .filter((session) => isSessionLive(ctx, session, now))
    .map((session) => ({
      id: session.id,
      createdAt: session.createdAt,
      lastUsedAt: session.lastUsedAt,
      expiresAt: sessionEndsAt(ctx, session),
      userAgent: session.userAgent,
      ip: session.ip,
      current: session.id === input.sessionId,
    }));
}

/** Input of {@link revokeSession}. */
export interface RevokeSessionInput<Id extends UserId = AppUserId> extends RequestMeta {
  userId: Id;
  /** The session to end; it must belong to `userId`. */
  sessionId: string;
}

/**
 * Ends one of the user's own sessions.
 * @throws AuthError `SESSION_NOT_FOUND` when it is not a live session of this user.
 */
export async function revokeSession(ctx: AuthContext, input: RevokeSessionInput<UserId>): Promise<void> {
  const now = ctx.clock.now();
  const found = await ctx.store.findSession(input.sessionId);
  if (!found || !sameUserId(found.session.userId, input.userId) || !isSessionLive(ctx, found.session, now)) {
    throw new AuthError('SESSION_NOT_FOUND');
  }
  if (await ctx.store.revokeSession(input.sessionId, { now, reason: 'revoked' })) {
    ctx.emit({ type: 'session.ended', userId: input.userId, sessionId: input.sessionId, reason: 'revoked', count: 1, at: now, ip: input.ip });
  }
}
