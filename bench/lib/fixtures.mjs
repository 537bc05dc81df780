// What every scenario shares, so peers and Gatehouse are measured on the same inputs:
// one HS256 secret, one issuer and audience, one user, one token shape, one argon2 setting.
import { SignJWT } from 'jose';

/** 43 bytes of ASCII: above the 32-byte minimum that Gatehouse (and good sense) asks for. */
export const SECRET = 'gatehouse-bench-secret-0123456789-abcdefghij';
export const SECRET_BYTES = new TextEncoder().encode(SECRET);
export const ISSUER = 'gatehouse';
export const AUDIENCE = 'gatehouse';
export const TOKEN_TYPE = 'at+jwt';

export const USER = { email: 'ada@bench.example', password: 'Analytical-Engine-1843', name: 'Ada' };

/** OWASP's argon2id minimum, Gatehouse's default: m=19456 KiB, t=2, p=1, 32-byte output. */
export const ARGON2 = { algorithm: 2, version: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

/** What a bare route answers: the same shape as a protected route's identity. */
export const CONSTANT_IDENTITY = { userId: 'anonymous-user-0000-0000-000000000000', sessionId: 'no-session-0000-0000-0000-000000000000', role: 'user' };

/**
 * A token with the claims and header of a Gatehouse access token (`typ: at+jwt`, `sub`, `sid`,
 * `role`, `iss`, `aud`, `iat`, `exp`, `jti`), signed with {@link SECRET}: every peer verifies
 * this same string.
 *
 * @returns {Promise<string>}
 */
export function peerToken() {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: '7d0f6c1e-2b8a-4c55-9a1e-3f6b2d4e8c90', role: 'user' })
    .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE })
    .setSubject('0b6f3a52-9c1d-4e7b-8a2f-5d6c7e8f9a01')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .setJti('c2a4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3e4f')
    .sign(SECRET_BYTES);
}
