import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import { isSessionLive } from '../sessions/sessions.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';

/** Who is calling, as proved by a valid access token. */
export interface Identity {
  userId: string;
  sessionId: string;
  role: string;
  /** When the access token expires. */
  expiresAt: Date;
  /** The token's `jti`. */
  tokenId: string;
}

/**
 * Verifies an access token and returns the identity it proves.
 *
 * Unless the config says `session.stateless`, the token's session must also still be live, so
 * logout, "log out everywhere", password changes and disabled accounts take effect at once.
 *
 * @throws AuthError `TOKEN_INVALID` or `TOKEN_EXPIRED`, and nothing else but `SERVICE_UNAVAILABLE`.
 */
export function authenticate(ctx: AuthContext, accessToken: string): Promise<Identity> {
  const now = ctx.clock.now();
  let claims: AccessTokenClaims | undefined;
  try {
    claims = ctx.accessTokens.verifyCached(accessToken, now);
  } catch (error) {
    return Promise.reject(error);
  }
  // The hot path: a token already verified, in stateless mode, answers without a round trip
  // through the event loop; every other case takes the full path.
  if (claims && ctx.config.session.stateless) return Promise.resolve(identityOf(claims));
  return authenticateFully(ctx, accessToken, claims, now);
}

/**
 * The identity of a token already verified, without waiting, in stateless mode only; `null`
 * whenever the full {@link authenticate} must decide (not remembered, expired, or a session
 * check to make). Never throws. For adapters' hot paths.
 */
export function rememberedIdentity(ctx: AuthContext, accessToken: string): Identity | null {
  if (!ctx.config.session.stateless) return null;
  try {
    const claims = ctx.accessTokens.verifyCached(accessToken, ctx.clock.now());
    return claims ? identityOf(claims) : null;
  } catch {
    return null;
  }
}

async function authenticateFully(ctx: AuthContext, accessToken: string, known: AccessTokenClaims | undefined, now: Date): Promise<Identity> {
  const claims = known ?? (await ctx.accessTokens.verify(accessToken, now));
  if (!ctx.config.session.stateless) {
    const found = await ctx.store.findSession(claims.sid);
    if (!found || found.session.userId !== claims.sub || !isSessionLive(ctx, found.session, now) || found.user.status === 'disabled') {
      throw new AuthError('TOKEN_INVALID', 'The session has ended.');
    }
  }
  return identityOf(claims);
}

function identityOf(claims: AccessTokenClaims): Identity {
  return { userId: claims.sub, sessionId: claims.sid, role: claims.role, expiresAt: new Date(claims.exp * 1000), tokenId: claims.jti };
}
