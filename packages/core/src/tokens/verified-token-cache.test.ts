import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { PASSWORD, caught, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { accessTokenCodec } from './access-token.js';
import { resolveKeys } from './signing-keys.js';
import { verifiedTokenCache } from './verified-token-cache.js';

const NOW = new Date(Date.UTC(2026, 0, 1));

function codec(cacheSize: number): ReturnType<typeof accessTokenCodec> {
  return accessTokenCodec({ keys: resolveKeys('k'.repeat(32), undefined), issuer: 'i', audience: 'a', ttl: 900, clockSkew: 5, cacheSize });
}

describe('verified token cache', () => {
  it('serves a repeat verification from memory (observable: a clock moved back does not re-run the iat check)', async () => {
    const cached = codec(10);
    const uncached = codec(0);
    const { token } = await cached.sign({ userId: 'u', sessionId: 's', role: 'user', jti: 'j' }, NOW);
    await cached.verify(token, NOW);
    await uncached.verify(token, NOW);
    const earlier = new Date(NOW.getTime() - 60_000);
    await expect(cached.verify(token, earlier)).resolves.toMatchObject({ sub: 'u' });
    expect(await caught(uncached.verify(token, earlier))).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('still refuses an expired token on the cached path', async () => {
    const c = codec(10);
    const { token, expiresAt } = await c.sign({ userId: 'u', sessionId: 's', role: 'user', jti: 'j' }, NOW);
    await c.verify(token, NOW);
    await expect(c.verify(token, new Date(expiresAt.getTime() - 1))).resolves.toBeTruthy();
    expect(await caught(c.verify(token, expiresAt))).toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('never serves a tampered token: a different string is a miss and is fully verified', async () => {
    const c = codec(10);
    const { token } = await c.sign({ userId: 'u', sessionId: 's', role: 'user', jti: 'j' }, NOW);
    await c.verify(token, NOW);
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    expect(await caught(c.verify(tampered, NOW))).toBeInstanceOf(AuthError);
  });

  it('stays within its bound under many distinct tokens', () => {
    const cache = verifiedTokenCache(1000);
    const claims = { sub: 'u', sid: 's', role: '', iss: 'i', aud: 'a', iat: 0, exp: 1, jti: 'j' };
    for (let i = 0; i < 100_000; i += 1) cache.set(`token-${i}`, claims);
    expect(cache.size).toBeLessThanOrEqual(1000);
    expect(cache.get('token-99999')).toBe(claims);
    expect(cache.get('token-0')).toBeUndefined();
  });

  it('refuses a revoked session on the cached path (the session check runs on every request)', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.authenticate(tokens.accessToken);
    await t.auth.authenticate(tokens.accessToken);
    await t.auth.logout({ userId, sessionId: tokens.sessionId });
    expect(await caught(t.auth.authenticate(tokens.accessToken))).toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
