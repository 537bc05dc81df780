import type { AuthContext } from '../context.js';
import { AuthError } from '../errors.js';
import type { UserId } from '../ports/store.js';
import { isSessionLive } from '../sessions/sessions.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';
import { sameUserId, type AppUserId } from '../user-ids/user-ids.js';

/**
 * Who is calling, as proved by a valid access token. `Id` is the type of the app's user ids:
 * `string` (the default), `number` with `userIds: 'integer'`.
 */
export interface Identity<Id extends UserId = AppUserId> {
  /** The user's id, in the configured type (the token's `sub` claim is always a string). */
  userId: Id;
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
export function authenticate(ctx: AuthContext, accessToken: string): Promise<Identity<UserId>> {
  const now = ctx.clock.now();
  let claims: AccessTokenClaims | undefined;
  try {
    claims = ctx.accessTokens.verifyCached(accessToken, now);
  } catch (error) {
    return Promise.reject(error);
  }
  // The hot path: a token already verified, in stateless mode, answers without a round trip
  // through the event loop; every other case takes the full path.
  if (claims && ctx.config.session.stateless) {
    const identity = identityOf(ctx, claims);
    return identity ? Promise.resolve(identity) : Promise.reject(new AuthError('TOKEN_INVALID'));
  }
  return authenticateFully(ctx, accessToken, claims, now);
}

/**
 * The identity of a token already verified, without waiting, in stateless mode only; `null`
 * whenever the full {@link authenticate} must decide (not remembered, expired, or a session
 * check to make). Never throws. For adapters' hot paths.
 */
export function rememberedIdentity(ctx: AuthContext, accessToken: string): Identity<UserId> | null {
  if (!ctx.config.session.stateless) return null;
  try {
    const claims = ctx.accessTokens.verifyCached(accessToken, ctx.clock.now());
    return claims ? identityOf(ctx, claims) : null;
  } catch {
    return null;
  }
}

async function authenticateFully(ctx: AuthContext, accessToken: string, known: AccessTokenClaims | undefined, now: Date): Promise<Identity<UserId>> {
  const claims = known ?? (await ctx.accessTokens.verify(accessToken, now));
  // A `sub` that is no id of this config's kind (a token from before a change of `userIds`) proves nobody.
  const identity = identityOf(ctx, claims);
  if (!identity) throw new AuthError('TOKEN_INVALID');
  if (!ctx.config.session.stateless) {
    const found = await ctx.store.findSession(claims.sid);
    if (!found || !sameUserId(found.session.userId, identity.userId) || !isSessionLive(ctx, found.session, now) || found.user.status === 'disabled') {
      throw new AuthError('TOKEN_INVALID', 'The session has ended.');
    }
  }
  return identity;
}

/** The identity a token's claims prove, with `sub` read back as the configured id type; `null` when it is not such an id. */
function identityOf(ctx: AuthContext, claims: AccessTokenClaims): Identity<UserId> | null {
  const userId = ctx.config.userIds.parse(claims.sub);
  if (userId === null) return null;
  return { userId, sessionId: claims.sid, role: claims.role, expiresAt: new Date(claims.exp * 1000), tokenId: claims.jti };
}
