import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT, base64url, exportJWK, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { PASSWORD, TEST_SECRET, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';

const secretKey = new TextEncoder().encode(TEST_SECRET);

async function session(t: TestAuth): Promise<{ userId: string; sessionId: string; accessToken: string; refreshToken: string }> {
  const { userId } = await registeredUser(t);
  const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
  return { userId, ...tokens };
}

function claims(t: TestAuth, s: { userId: string; sessionId: string }, extra: JWTPayload = {}): JWTPayload {
  const iat = Math.floor(t.clock.now().getTime() / 1000);
  return { sub: s.userId, sid: s.sessionId, role: 'user', iss: 'gatehouse', aud: 'gatehouse', iat, exp: iat + 900, jti: 'j1', ...extra };
}

async function forge(payload: JWTPayload, header: Record<string, unknown>, key: Uint8Array | KeyObject = secretKey): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header } as never).sign(key);
}

/** Signs with HMAC-SHA256 by hand, for headers jose refuses to produce. */
function rawHs256(header: Record<string, unknown>, payload: JWTPayload): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secretKey).update(input).digest('base64url')}`;
}

function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return (error as AuthError).code;
}

describe('authenticate (HS256)', () => {
  it('returns the identity of a valid token', async () => {
    const t = testAuth();
    const s = await session(t);
    await expect(t.auth.authenticate(s.accessToken)).resolves.toMatchObject({ userId: s.userId, sessionId: s.sessionId, role: 'user' });
  });

  it('accepts a token we forged correctly (the forgery helpers are sound)', async () => {
    const t = testAuth();
    const s = await session(t);
    await expect(t.auth.authenticate(await forge(claims(t, s), {}))).resolves.toMatchObject({ userId: s.userId });
    await expect(t.auth.authenticate(rawHs256({ alg: 'HS256', typ: 'at+jwt' }, claims(t, s)))).resolves.toMatchObject({ userId: s.userId });
  });

  it('refuses every malformed or hostile token with TOKEN_INVALID', async () => {
    const t = testAuth();
    const s = await session(t);
    const [header, payload, signature] = s.accessToken.split('.') as [string, string, string];
    const tamperedPayload = base64url.encode(JSON.stringify({ ...claims(t, s), role: 'admin' }));
    const cases: Record<string, string> = {
      'alg none': new UnsecuredJWT(claims(t, s)).encode(),
      'alg none with typ': `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`,
      'tampered payload': `${header}.${tamperedPayload}.${signature}`,
      'signature stripped': `${header}.${payload}.`,
      'HS512 (outside the allow-list)': await new SignJWT(claims(t, s)).setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' }).sign(new Uint8Array(64).fill(7)),
      'other secret': await forge(claims(t, s), {}, new TextEncoder().encode('another-secret-'.padEnd(32, 'y'))),
      'wrong iss': await forge(claims(t, s, { iss: 'evil' }), {}),
      'wrong aud': await forge(claims(t, s, { aud: 'other-service' }), {}),
      'wrong typ': await forge(claims(t, s), { typ: 'JWT' }),
      'no typ': await new SignJWT(claims(t, s)).setProtectedHeader({ alg: 'HS256' }).sign(secretKey),
      'missing exp': await forge({ ...claims(t, s), exp: undefined }, {}),
      'missing sid': await forge({ ...claims(t, s), sid: undefined }, {}),
      'missing jti': await forge({ ...claims(t, s), jti: undefined }, {}),
      'issued in the future': await forge(claims(t, s, { iat: Math.floor(t.clock.now().getTime() / 1000) + 3600 }), {}),
      'crit header': rawHs256({ alg: 'HS256', typ: 'at+jwt', crit: ['exp'] }, claims(t, s)),
      'raw HS256 with alg none header': rawHs256({ alg: 'none', typ: 'at+jwt' }, claims(t, s)),
      'refresh token as access token': s.refreshToken,
      'garbage': 'garbage',
      'empty': '',
      'three dots': '...',
      'huge': 'a'.repeat(100_000),
      'JSON instead of a JWT': JSON.stringify(claims(t, s)),
      'unicode': '🙂.🙂.🙂',
    };
    for (const [name, token] of Object.entries(cases)) {
      expect([name, await codeOf(t.auth.authenticate(token))]).toEqual([name, 'TOKEN_INVALID']);
    }
  });

  it('refuses non-string input with TOKEN_INVALID', async () => {
    const t = testAuth();
    for (const value of [undefined, null, 42, {}, ['a']]) {
      expect(await codeOf(t.auth.authenticate(value as never))).toBe('TOKEN_INVALID');
    }
  });

  it('accepts a token until its last second and refuses it from its exp on', async () => {
    const t = testAuth();
    const s = await session(t);
    t.clock.advance(900_000 - 1);
    await expect(t.auth.authenticate(s.accessToken)).resolves.toBeTruthy();
    t.clock.advance(1);
    expect(await codeOf(t.auth.authenticate(s.accessToken))).toBe('TOKEN_EXPIRED');
    t.clock.advance(1000);
    expect(await codeOf(t.auth.authenticate(s.accessToken))).toBe('TOKEN_EXPIRED');
  });

  it('refuses the token of a session ended by logout, logout-all, revocation or deletion at once', async () => {
    const t = testAuth();
    const s = await session(t);
    await t.auth.logout({ userId: s.userId, sessionId: s.sessionId });
    expect(await codeOf(t.auth.authenticate(s.accessToken))).toBe('TOKEN_INVALID');

    const two = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const three = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    expect(await t.auth.logoutAll({ userId: s.userId })).toEqual({ count: 2 });
    expect(await codeOf(t.auth.authenticate(two.tokens.accessToken))).toBe('TOKEN_INVALID');
    expect(await codeOf(t.auth.authenticate(three.tokens.accessToken))).toBe('TOKEN_INVALID');

    const four = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.revokeSession({ userId: s.userId, sessionId: four.tokens.sessionId });
    expect(await codeOf(t.auth.authenticate(four.tokens.accessToken))).toBe('TOKEN_INVALID');

    const five = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.deleteUser({ userId: s.userId });
    expect(await codeOf(t.auth.authenticate(five.tokens.accessToken))).toBe('TOKEN_INVALID');
  });

  it('refuses a token naming a session of another user', async () => {
    const t = testAuth();
    const ada = await session(t);
    const { userId: bob } = await registeredUser(t, 'bob@example.com');
    expect(await codeOf(t.auth.authenticate(await forge(claims(t, { userId: bob, sessionId: ada.sessionId }), {})))).toBe('TOKEN_INVALID');
  });

  it('in stateless mode skips the session check: a logged-out token works until it expires', async () => {
    const t = testAuth({ session: { stateless: true } });
    const s = await session(t);
    await t.auth.logout({ userId: s.userId, sessionId: s.sessionId });
    await expect(t.auth.authenticate(s.accessToken)).resolves.toMatchObject({ userId: s.userId });
    t.clock.advance(900_000);
    expect(await codeOf(t.auth.authenticate(s.accessToken))).toBe('TOKEN_EXPIRED');
  });
});

function ed25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

describe('authenticate (asymmetric key set)', () => {
  it('signs with EdDSA, publishes the public key, and refuses HS256 signed with that public key', async () => {
    const pair = ed25519();
    const t = testAuth({ secret: undefined, keys: [{ kid: 'k1', privateKey: pair.privateKey }] });
    const s = await session(t);
    expect(headerOf(s.accessToken)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' });
    await expect(t.auth.authenticate(s.accessToken)).resolves.toMatchObject({ userId: s.userId });

    const jwks = t.auth.jwks();
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'k1', alg: 'EdDSA', use: 'sig', kty: 'OKP', crv: 'Ed25519' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');

    // algorithm confusion: HS256 keyed with the public key's bytes (PEM and JWK forms)
    const pem = new TextEncoder().encode(pair.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    const jwkBytes = new TextEncoder().encode(JSON.stringify(await exportJWK(pair.publicKey)));
    for (const key of [pem, jwkBytes]) {
      expect(await codeOf(t.auth.authenticate(await forge(claims(t, s), { kid: 'k1' }, key)))).toBe('TOKEN_INVALID');
    }
  });

  it('refuses unknown kids, kid injection and attacker-supplied jwk/jku headers', async () => {
    const pair = ed25519();
    const attacker = ed25519();
    const t = testAuth({ secret: undefined, keys: [{ kid: 'k1', privateKey: pair.privateKey }] });
    const s = await session(t);
    const sign = (header: Record<string, unknown>): Promise<string> =>
      new SignJWT(claims(t, s)).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', ...header } as never).sign(attacker.privateKey);
    const attackerJwk = await exportJWK(attacker.publicKey);
    for (const header of [
      { kid: 'k2' },
      { kid: '../../etc/passwd' },
      { kid: "k1' OR '1'='1" },
      {},
      { kid: 'k1', jwk: attackerJwk },
      { jwk: attackerJwk },
      { kid: 'k1', jku: 'https://evil.example/jwks.json' },
    ]) {
      expect(await codeOf(t.auth.authenticate(await sign(header)))).toBe('TOKEN_INVALID');
    }
  });

  it('rotates keys: a new key signs, the old one still verifies until it is removed', async () => {
    const old = ed25519();
    const next = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const store = testAuth().store;
    const before = testAuth({ store, secret: undefined, keys: [{ kid: 'old', privateKey: old.privateKey }] });
    const s = await session(before);
    const oldToken = s.accessToken;

    const during = testAuth({
      store,
      secret: undefined,
      keys: [
        { kid: 'new', privateKey: next.privateKey },
        { kid: 'old', publicKey: await exportJWK(old.publicKey) },
      ],
    });
    await expect(during.auth.authenticate(oldToken)).resolves.toMatchObject({ userId: s.userId });
    const fresh = await during.auth.login({ email: 'ada@example.com', password: PASSWORD });
    expect(headerOf(fresh.tokens.accessToken)).toMatchObject({ alg: 'ES256', kid: 'new' });
    expect(during.auth.jwks().keys.map((k) => k.kid)).toEqual(['new', 'old']);

    const after = testAuth({ store, secret: undefined, keys: [{ kid: 'new', privateKey: next.privateKey }] });
    expect(await codeOf(after.auth.authenticate(oldToken))).toBe('TOKEN_INVALID');
    await expect(after.auth.authenticate(fresh.tokens.accessToken)).resolves.toBeTruthy();
  });

  it('publishes no keys in HS256 mode', () => {
    expect(testAuth().auth.jwks()).toEqual({ keys: [] });
  });
});
