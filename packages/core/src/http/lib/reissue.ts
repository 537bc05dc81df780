import type { Auth } from '../../create-auth.js';
import type { RequestMeta } from '../../context.js';
import type { TokenPair } from '../../sessions/sessions.js';
import type { UserId } from '../../ports/store.js';

/**
 * The refresh route's `accessTokenRefresh` mode: a new access token for the session of a
 * still-valid one (see `auth.reissueAccessToken`). No refresh token travels: the pair's
 * `refreshToken` is empty, which the handler reads as "send none, set no cookie".
 */
export async function reissueAccessToken<P>(auth: Auth<P, UserId>, accessToken: string, meta: RequestMeta): Promise<TokenPair> {
  const { tokens } = await auth.reissueAccessToken({ accessToken, ...meta });
  return { ...tokens, refreshToken: '', refreshTokenExpiresAt: tokens.accessTokenExpiresAt };
}
