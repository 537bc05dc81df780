import type { Auth } from '../../create-auth.js';
import { AuthError } from '../../errors.js';
import { isSessionLive, tokenPair, type TokenPair } from '../../lib/sessions.js';

/**
 * A new access token for the live session of a still-valid access token (the refresh route's
 * `accessTokenRefresh` mode). The session's idle and absolute lifetimes still bound it; the
 * refresh-token family is not touched, so the pair's `refreshToken` is empty and never sent.
 *
 * @throws AuthError `TOKEN_INVALID` or `TOKEN_EXPIRED` for a token `authenticate` refuses.
 */
export async function reissueAccessToken<P>(auth: Auth<P>, accessToken: string): Promise<TokenPair> {
  const identity = await auth.authenticate(accessToken);
  const ctx = auth.context;
  const now = ctx.clock.now();
  const found = await ctx.store.findSession(identity.sessionId);
  if (!found || found.user.id !== identity.userId || found.user.status === 'disabled' || !isSessionLive(ctx, found.session, now)) {
    throw new AuthError('TOKEN_INVALID', 'The session has ended.');
  }
  return { ...(await tokenPair(ctx, found.user, found.session, '', now)), refreshToken: '' };
}
