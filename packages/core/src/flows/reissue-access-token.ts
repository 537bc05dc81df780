import type { AuthContext, RequestMeta } from '../context.js';
import { AuthError } from '../errors.js';
import { accessGrant, isSessionLive, type AccessGrant } from '../sessions/sessions.js';
import { toAuthUser, type AuthUser } from '../lib/users.js';
import type { UserId } from '../ports/store.js';
import { sameUserId, type AppUserId } from '../user-ids/user-ids.js';

/** Input of {@link reissueAccessToken}. */
export interface ReissueAccessTokenInput extends RequestMeta {
  /** A still-valid access token. */
  accessToken: string;
}

/** Result of {@link reissueAccessToken}. */
export interface ReissueAccessTokenResult<P = Record<string, unknown>, Id extends UserId = AppUserId> {
  user: AuthUser<P, Id>;
  tokens: AccessGrant;
}

/**
 * A fresh access token for the live session of a still-valid one, for APIs that refresh
 * with the bearer token instead of a refresh token (reference contract 003). The session's
 * idle and absolute lifetimes still bound it, and the refresh-token family is not touched.
 * Prefer refresh tokens: this keeps a session alive only as long as its holder keeps the
 * access token from expiring.
 *
 * @throws AuthError `TOKEN_INVALID` or `TOKEN_EXPIRED` for a token `authenticate` refuses or a session that has ended.
 * @example
 * ```ts
 * const { tokens } = await auth.reissueAccessToken({ accessToken: bearer });
 * ```
 */
export async function reissueAccessToken(ctx: AuthContext, input: ReissueAccessTokenInput): Promise<ReissueAccessTokenResult<Record<string, unknown>, UserId>> {
  const now = ctx.clock.now();
  const claims = await ctx.accessTokens.verify(input.accessToken, now);
  const found = await ctx.store.findSession(claims.sid);
  if (!found || !sameUserId(found.user.id, claims.sub) || found.user.status === 'disabled' || !isSessionLive(ctx, found.session, now)) {
    throw new AuthError('TOKEN_INVALID', 'The session has ended.');
  }
  ctx.emit({ type: 'access_token.reissued', userId: found.user.id, sessionId: found.session.id, at: now, ip: input.ip });
  return { user: toAuthUser(found.user), tokens: await accessGrant(ctx, found.user, found.session, now) };
}
