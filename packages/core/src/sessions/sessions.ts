import type { AuthContext, RequestMeta } from '../context.js';
import type { SessionRecord, UserId, UserRecord } from '../ports/store.js';
import { createHmac, hkdfSync } from 'node:crypto';
import { hmacSha256, randomToken, randomUUID, sha256 } from '../lib/crypto.js';

/** An access token handed to a client. */
export interface AccessGrant {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  accessTokenExpiresAt: Date;
  sessionId: string;
}

/** Access and refresh tokens handed to a client. */
export interface TokenPair extends AccessGrant {
  refreshToken: string;
  /** When the refresh token stops working if unused (idle lifetime, capped by the absolute one). */
  refreshTokenExpiresAt: Date;
}

/** When a session ends if nothing else happens: idle lifetime from its last use, capped by its absolute end. */
export function sessionEndsAt(ctx: AuthContext, session: SessionRecord): Date {
  const idleEnd = session.lastUsedAt.getTime() + ctx.config.session.idleTtl * 1000;
  return new Date(Math.min(idleEnd, session.expiresAt.getTime()));
}

/** True while a session is neither revoked nor past its idle or absolute lifetime. */
export function isSessionLive(ctx: AuthContext, session: SessionRecord, now: Date): boolean {
  return session.revokedAt === null && sessionEndsAt(ctx, session).getTime() > now.getTime();
}

/**
 * The server-side key that successor refresh tokens are derived under, from the configured
 * secret material (the HS256 secret, the signing key, or `session.rotationSecret`). HKDF with a
 * label of its own, so the key is unrelated to the one that signs access tokens.
 */
export function deriveRotationSecret(material: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', material, 'gatehouse', 'gatehouse/refresh-token-rotation/v1', 32));
}

/**
 * The refresh token that follows `token` in its family. Deriving it (rather than drawing a new
 * random one) lets a client's concurrent retry inside the grace window receive the very same
 * successor, so the family never forks. It mixes the per-session key (stored) with the
 * server's rotation secret (never stored): a copy of the database alone derives nothing.
 */
export function nextRefreshToken(ctx: Pick<AuthContext, 'rotationSecret'>, session: SessionRecord, token: string): string {
  return createHmac('sha256', ctx.rotationSecret).update(`${session.rotationKey}:${token}`, 'utf8').digest('base64url');
}

/**
 * How sessions started before 0.2 derived successors: from the stored per-session key alone.
 * Read only to recognise a client's grace-window retry of a token rotated just before the
 * upgrade; never used to issue a token. Remove in 1.0.
 */
export function legacyNextRefreshToken(session: SessionRecord, token: string): string {
  return hmacSha256(session.rotationKey, token);
}

/** Signs a new access token for a session. */
export async function accessGrant(ctx: AuthContext, user: UserRecord, session: SessionRecord, now: Date): Promise<AccessGrant> {
  const signed = await ctx.accessTokens.sign({ userId: user.id, sessionId: session.id, role: user.role, jti: randomToken(ctx.random, 16) }, now);
  return {
    accessToken: signed.token,
    tokenType: 'Bearer',
    // The token's lifetime, `exp - iat`: `iat` is `now` rounded down to the second, so the time
    // left measured from `now` itself would read one second short whenever `now` has 500+ ms.
    expiresIn: signed.expiresAt.getTime() / 1000 - Math.floor(now.getTime() / 1000),
    accessTokenExpiresAt: signed.expiresAt,
    sessionId: session.id,
  };
}

/** Signs an access token for a session and returns the pair with the given refresh token. */
export async function tokenPair(ctx: AuthContext, user: UserRecord, session: SessionRecord, refreshToken: string, now: Date): Promise<TokenPair> {
  return { ...(await accessGrant(ctx, user, session, now)), refreshToken, refreshTokenExpiresAt: sessionEndsAt(ctx, session) };
}

/**
 * Starts a session for a user who has just proved who they are: a new refresh-token family,
 * its first token, an access token, and the per-user session limit applied.
 */
export async function startSession(ctx: AuthContext, user: UserRecord, meta: RequestMeta, now: Date): Promise<TokenPair> {
  const session: SessionRecord = {
    id: randomUUID(ctx.random),
    userId: user.id,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.session.absoluteTtl * 1000),
    revokedAt: null,
    revokedReason: null,
    rotationKey: randomToken(ctx.random),
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ip: meta.ip ?? null,
  };
  const refreshToken = randomToken(ctx.random);
  await ctx.store.createSession(session, { hash: sha256(refreshToken), sessionId: session.id, issuedAt: now, usedAt: null });
  ctx.emit({ type: 'session.created', userId: user.id, sessionId: session.id, at: now, ip: meta.ip });
  await enforceSessionLimit(ctx, user.id, session.id, now);
  return tokenPair(ctx, user, session, refreshToken, now);
}

async function enforceSessionLimit(ctx: AuthContext, userId: UserId, keepId: string, now: Date): Promise<void> {
  const limit = ctx.config.session.maxPerUser;
  if (limit === null) return;
  const live = (await ctx.store.listSessions(userId)).filter((session) => isSessionLive(ctx, session, now));
  // Newest first: everything past the limit is older than the session just started.
  for (const session of live.filter((s) => s.id !== keepId).slice(limit - 1)) {
    if (await ctx.store.revokeSession(session.id, { now, reason: 'session_limit' })) {
      ctx.emit({ type: 'session.ended', userId, sessionId: session.id, reason: 'session_limit', count: 1, at: now });
    }
  }
}
