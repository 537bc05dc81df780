import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { isSessionLive, legacyNextRefreshToken, nextRefreshToken, tokenPair, type TokenPair } from '../sessions/sessions.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import { parseInput } from '../lib/validation.js';
import type { RefreshTokenLookup, UserId } from '../ports/store.js';
import { refreshSchema } from '../schemas.js';
import type { AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link refresh}. */
export interface RefreshInput extends RequestMeta {
  refreshToken: string;
}

/** Result of {@link refresh}. */
export interface RefreshResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  user: AuthUser<P, Id>;
  tokens: TokenPair;
}

/**
 * Exchanges a refresh token for a new access token and the next refresh token of its family.
 *
 * Each refresh token works once. Presenting one that was already exchanged ends the whole
 * session (theft detection), except within the grace window, where a client's concurrent retry
 * receives the same successor the first request got, so the family never forks. With
 * `session.rotateRefreshTokens: false` the same refresh token is handed back instead.
 *
 * @throws AuthError `TOKEN_INVALID`, `TOKEN_EXPIRED`, `REFRESH_TOKEN_REUSED`, `ACCOUNT_DISABLED`.
 */
export async function refresh(ctx: AuthContext, input: RefreshInput): Promise<RefreshResult<Record<string, unknown>, UserId>> {
  const { refreshToken } = parseInput(refreshSchema, input, []);
  const presentedHash = sha256(refreshToken);
  const found = await ctx.store.findRefreshToken(presentedHash);
  if (!found) throw new AuthError('TOKEN_INVALID');
  const { session, user } = found;
  const now = ctx.clock.now();
  if (session.revokedAt !== null) throw new AuthError('TOKEN_INVALID');
  if (!isSessionLive(ctx, session, now)) throw new AuthError('TOKEN_EXPIRED');
  if (user.status === 'disabled') throw new AuthError('ACCOUNT_DISABLED');

  if (!ctx.config.session.rotateRefreshTokens && found.token.usedAt === null) {
    ctx.emit({ type: 'refresh_token.used', userId: user.id, sessionId: session.id, at: now, ip: input.ip });
    return { user: toAuthUser(user), tokens: await tokenPair(ctx, user, session, refreshToken, now) };
  }

  const successor = nextRefreshToken(ctx, session, refreshToken);
  if (found.token.usedAt === null) {
    const won = await ctx.store.rotateRefreshToken({
      sessionId: session.id,
      presentedHash,
      next: { hash: sha256(successor), sessionId: session.id, issuedAt: now, usedAt: null },
      now,
    });
    if (won) {
      ctx.emit({ type: 'refresh_token.rotated', userId: user.id, sessionId: session.id, at: now, ip: input.ip });
      const rotated = { ...session, lastUsedAt: now };
      return { user: toAuthUser(user), tokens: await tokenPair(ctx, user, rotated, successor, now) };
    }
    // A concurrent request exchanged it first: judge this one as a retry of that exchange.
    const current = await ctx.store.findRefreshToken(presentedHash);
    if (!current || current.token.usedAt === null) throw new AuthError('TOKEN_INVALID');
    return retryOrReuse(ctx, current, refreshToken, input, now);
  }
  return retryOrReuse(ctx, found, refreshToken, input, now);
}

async function retryOrReuse(
  ctx: AuthContext,
  found: RefreshTokenLookup,
  presented: string,
  meta: RequestMeta,
  now: Date,
): Promise<RefreshResult<Record<string, unknown>, UserId>> {
  const successor = nextRefreshToken(ctx, found.session, presented);
  const { token, session, user } = found;
  const usedAt = token.usedAt?.getTime() ?? 0;
  const withinGrace = session.revokedAt === null && now.getTime() - usedAt <= ctx.config.session.refreshGraceWindow * 1000;
  if (withinGrace) {
    // Only while the successor is still the family's live token: after a further rotation, an
    // old token is a replay whatever the time. A token rotated by a version before 0.2, just
    // before the upgrade, has a successor derived the old way: recognised, never issued anew.
    for (const candidate of [successor, legacyNextRefreshToken(session, presented)]) {
      const next = await ctx.store.findRefreshToken(sha256(candidate));
      if (next && next.token.usedAt === null && next.session.id === session.id && isSessionLive(ctx, next.session, now)) {
        ctx.emit({ type: 'refresh_token.grace_retry', userId: user.id, sessionId: session.id, at: now, ip: meta.ip });
        return { user: toAuthUser(user), tokens: await tokenPair(ctx, user, next.session, candidate, now) };
      }
    }
  }
  if (await ctx.store.revokeSession(session.id, { now, reason: 'refresh_token_reused' })) {
    ctx.emit({ type: 'session.ended', userId: user.id, sessionId: session.id, reason: 'refresh_token_reused', count: 1, at: now, ip: meta.ip });
  }
  ctx.emit({ type: 'refresh_token.reused', userId: user.id, sessionId: session.id, at: now, ip: meta.ip });
  throw new AuthError('REFRESH_TOKEN_REUSED');
}
