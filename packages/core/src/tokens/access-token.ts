import { SignJWT, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { AuthError } from '../errors.js';
import type { UserId } from '../ports/store.js';
import type { ResolvedKey } from './signing-keys.js';
import { verifiedTokenCache } from './verified-token-cache.js';

/** The claims of a Gatehouse access token. */
export interface AccessTokenClaims {
  /** User id, always a string (RFC 7519): `"42"` for the integer id 42. */
  sub: string;
  /** Session id. */
  sid: string;
  /** The user's role when the token was issued. */
  role: string;
  iss: string;
  aud: string;
  /** Issued at, in seconds since the epoch. */
  iat: number;
  /** Expires at, in seconds since the epoch. */
  exp: number;
  /** Unique token id. */
  jti: string;
}

/** What is needed to sign one access token. */
export interface AccessTokenSubject {
  userId: UserId;
  sessionId: string;
  role: string;
  jti: string;
}

/** Signs and verifies access tokens with our own key set. */
export interface AccessTokenCodec {
  sign(subject: AccessTokenSubject, now: Date): Promise<{ token: string; expiresAt: Date }>;
  /** @throws AuthError `TOKEN_EXPIRED` or `TOKEN_INVALID`, and nothing else. */
  verify(token: string, now: Date): Promise<AccessTokenClaims>;
  /**
   * The claims of a token verified before, without waiting, or `undefined` when it must be
   * verified with {@link AccessTokenCodec.verify}.
   * @throws AuthError `TOKEN_EXPIRED` for a remembered token that has expired since.
   */
  verifyCached(token: string, now: Date): AccessTokenClaims | undefined;
  /** The public keys as a JWKS document (empty for HS256). */
  jwks(): { keys: Record<string, unknown>[] };
}

/** Settings of {@link accessTokenCodec}. */
export interface AccessTokenCodecOptions {
  keys: ResolvedKey[];
  issuer: string;
  audience: string;
  ttl: number;
  clockSkew: number;
  /** Verified tokens kept in memory to skip the signature check on repeat use (0 disables). */
  cacheSize: number;
}

const TYP = 'at+jwt';
const MAX_TOKEN_LENGTH = 8192;

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Creates the signer/verifier of access tokens (jose, explicit algorithm allow-list, own `kid`s only). */
export function accessTokenCodec(options: AccessTokenCodecOptions): AccessTokenCodec {
  const signer = options.keys.find((key) => key.signingKey !== null);
  if (!signer?.signingKey) throw new TypeError('Gatehouse: no signing key.');
  const signingKey = signer.signingKey;
  const algorithms = [...new Set(options.keys.map((key) => key.alg))];
  const byKid = new Map(options.keys.map((key) => [key.kid, key]));
  const symmetric = signer.alg === 'HS256';
  const cache = verifiedTokenCache(options.cacheSize);

  function keyFor(header: JWTHeaderParameters): ResolvedKey['verifyKey'] {
    // `kid` only ever selects among our own keys; `jwk`, `jku` and `x5u` headers are never used.
    const key = symmetric ? signer : header.kid === undefined ? undefined : byKid.get(header.kid);
    if (!key || key.alg !== header.alg) throw new AuthError('TOKEN_INVALID');
    return key.verifyKey;
  }

  function verifyCached(token: string, now: Date): AccessTokenClaims | undefined {
    const cached = cache.get(token);
    if (cached && cached.exp <= now.getTime() / 1000) throw new AuthError('TOKEN_EXPIRED');
    return cached;
  }

  return {
    async sign(subject, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + Math.max(1, Math.round(options.ttl));
      const header: JWTHeaderParameters = { alg: signer.alg, typ: TYP };
      if (signer.kid !== undefined) header.kid = signer.kid;
      const token = await new SignJWT({ sid: subject.sessionId, role: subject.role })
        .setProtectedHeader(header)
        .setSubject(String(subject.userId))
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(subject.jti)
        .sign(signingKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    verifyCached,

    async verify(token, now) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new AuthError('TOKEN_INVALID');
      const cached = verifyCached(token, now);
      if (cached) return cached;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          typ: TYP,
          currentDate: now,
          clockTolerance: 0,
          requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti', 'iss', 'aud'],
        }));
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_JWT_EXPIRED') throw new AuthError('TOKEN_EXPIRED');
        throw new AuthError('TOKEN_INVALID');
      }
      const { sub, sid, role, iat, exp, jti } = payload as Record<string, unknown>;
      if (!isString(sub) || !isString(sid) || !isString(jti) || typeof iat !== 'number' || typeof exp !== 'number') {
        throw new AuthError('TOKEN_INVALID');
      }
      // A token issued in the future is refused unless another instance's clock explains it.
      if (iat > now.getTime() / 1000 + options.clockSkew) throw new AuthError('TOKEN_INVALID');
      const claims = { sub, sid, role: typeof role === 'string' ? role : '', iss: options.issuer, aud: options.audience, iat, exp, jti };
      cache.set(token, claims);
      return claims;
    },

    jwks() {
      return { keys: options.keys.flatMap((key) => (key.publicJwk ? [{ ...key.publicJwk }] : [])) };
    },
  };
}
