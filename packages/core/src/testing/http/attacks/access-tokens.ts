// Internal to runHttpAttacks: forged, confused, expired and revoked access tokens, and where
// a bearer token may come from.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PASSWORD, mailedToken } from '../suite-app.js';
import { b64, hmacJwt, payloadOf, signedJwt, without } from './forge.js';
import { ACCESS_TTL_MS, expectRefused, json, status, type AttackSetup, type Json, type Session } from './harness.js';

/** Registers the access-token attacks for one adapter. */
export function accessTokenAttacks(setup: AttackSetup): void {
  describe('access tokens', () => {
    it('refuses forged, tampered and mis-claimed HS256 tokens (alg none, wrong key, wrong iss/aud/typ, missing claims, kid/jwk/jku headers) with 401, WWW-Authenticate: Bearer and the error envelope', async () => {
      const t = await setup();
      const ada = await t.login('ada@example.com');
      const bob = await t.login('bob@example.com');
      const [header = '', payload = '', signature = ''] = ada.accessToken.split('.');
      const claims = payloadOf(ada.accessToken);
      const hs = { alg: 'HS256', typ: 'at+jwt' };
      const otherSecret = 'another-secret-'.padEnd(32, 'y');
      // The forging helper is sound: a token it signs with our secret and the right claims works.
      const control = hmacJwt(hs, { ...claims, jti: 'forged-but-valid' });
      for (const path of ['/protected', '/auth/profile']) expect((await t.call('GET', path, { token: control })).status, path).toBe(200);

      const cases: Record<string, string> = {
        'alg none, no signature': `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
        'alg none, original signature kept': `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.${signature}`,
        'alg None': `${b64({ alg: 'None', typ: 'at+jwt' })}.${payload}.`,
        'alg NONE': `${b64({ alg: 'NONE', typ: 'at+jwt' })}.${payload}.`,
        'no alg': `${b64({ typ: 'at+jwt' })}.${payload}.${signature}`,
        'role raised to admin, signature kept': `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
        'sub swapped to another user, signature kept': `${header}.${b64({ ...claims, sub: bob.userId, sid: bob.sessionId })}.${signature}`,
        'exp pushed a day out, signature kept': `${header}.${b64({ ...claims, exp: claims.exp + 86_400 })}.${signature}`,
        'header rewritten, signature kept': `${b64({ alg: 'HS256', typ: 'at+jwt', kid: 'x' })}.${payload}.${signature}`,
        'signature stripped': `${header}.${payload}.`,
        'signature truncated': `${header}.${payload}.${signature.slice(0, -6)}`,
        'signature of another token': `${header}.${payload}.${bob.accessToken.split('.')[2] ?? ''}`,
        'two segments': `${header}.${payload}`,
        'four segments': `${ada.accessToken}.${signature}`,
        'signed with another secret': hmacJwt(hs, claims, otherSecret),
        'HS512 with another key': hmacJwt({ alg: 'HS512', typ: 'at+jwt' }, claims, new Uint8Array(64).fill(7)),
        'HS512 with our secret (outside the allow-list)': hmacJwt({ alg: 'HS512', typ: 'at+jwt' }, claims),
        'HS384 with our secret (outside the allow-list)': hmacJwt({ alg: 'HS384', typ: 'at+jwt' }, claims),
        'kid path traversal to an empty key': hmacJwt({ ...hs, kid: '../../../../../../dev/null' }, claims, new Uint8Array(0)),
        'kid SQL injection naming its own key': hmacJwt({ ...hs, kid: "x' UNION SELECT 'attacker-key' --" }, claims, 'attacker-key'),
        'embedded jwk with the attacker key': hmacJwt({ ...hs, jwk: { kty: 'oct', k: b64('attacker-key') } }, claims, 'attacker-key'),
        'jku pointing at the attacker': hmacJwt({ ...hs, jku: 'https://evil.example/jwks.json' }, claims, otherSecret),
        'x5u pointing at the attacker': hmacJwt({ ...hs, x5u: 'https://evil.example/cert.pem' }, claims, otherSecret),
        'wrong iss (our secret)': hmacJwt(hs, { ...claims, iss: 'https://evil.example' }),
        'wrong aud (our secret)': hmacJwt(hs, { ...claims, aud: 'another-service' }),
        'aud list without ours (our secret)': hmacJwt(hs, { ...claims, aud: ['another-service'] }),
        'typ JWT (our secret)': hmacJwt({ alg: 'HS256', typ: 'JWT' }, claims),
        'no typ (our secret)': hmacJwt({ alg: 'HS256' }, claims),
        'typ of another token kind (our secret)': hmacJwt({ alg: 'HS256', typ: 'refresh+jwt' }, claims),
        'missing exp (our secret)': hmacJwt(hs, without(claims, 'exp')),
        'missing sub (our secret)': hmacJwt(hs, without(claims, 'sub')),
        'missing sid (our secret)': hmacJwt(hs, without(claims, 'sid')),
        'missing jti (our secret)': hmacJwt(hs, without(claims, 'jti')),
        'missing iat (our secret)': hmacJwt(hs, without(claims, 'iat')),
        'missing iss (our secret)': hmacJwt(hs, without(claims, 'iss')),
        'exp as a string (our secret)': hmacJwt(hs, { ...claims, exp: String(claims.exp) }),
        'nbf in the future (our secret)': hmacJwt(hs, { ...claims, nbf: claims.iat + 3600 }),
        'iat an hour ahead (our secret)': hmacJwt(hs, { ...claims, iat: claims.iat + 3600 }),
        'unknown crit header (our secret)': hmacJwt({ ...hs, crit: ['x-unknown'], 'x-unknown': 1 }, claims),
        'session of another user (our secret)': hmacJwt(hs, { ...claims, sid: bob.sessionId }),
        'oversized, 9 KB (our secret)': hmacJwt(hs, { ...claims, pad: 'x'.repeat(9000) }),
        'JSON instead of a JWT': b64(claims),
        garbage: 'garbage',
      };
      for (const [label, token] of Object.entries(cases)) {
        await expectRefused(await t.call('GET', '/protected', { token }), `/protected: ${label}`);
        await expectRefused(await t.call('GET', '/auth/profile', { token }), `/auth/profile: ${label}`);
      }
    });

    it('in EdDSA mode refuses HS256 keyed with the public key (algorithm confusion), unknown or injected kids, and attacker jwk/jku/x5u/x5c headers', async () => {
      const ours = generateKeyPairSync('ed25519');
      const attacker = generateKeyPairSync('ed25519');
      const attackerEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const t = await setup({}, { secret: undefined, keys: [{ kid: 'k1', privateKey: ours.privateKey }] });
      const ada = await t.login();
      const claims = payloadOf(ada.accessToken);
      expect((await status(t, ada.accessToken))).toBe(200);
      // The forging helper is sound with the real key.
      expect(await status(t, signedJwt({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' }, { ...claims, jti: 'control' }, ours.privateKey))).toBe(200);

      // What an attacker can read: the published JWKS.
      const jwksResponse = await t.call('GET', '/auth/.well-known/jwks.json');
      expect(jwksResponse.status).toBe(200);
      const jwk = (await json(jwksResponse)).keys[0] as Json;
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
      const confusionKeys: Record<string, string | Uint8Array> = {
        'JWK JSON': JSON.stringify(jwk),
        'PEM (SPKI)': publicKey.export({ format: 'pem', type: 'spki' }) as string,
        'DER (SPKI)': publicKey.export({ format: 'der', type: 'spki' }),
        'raw x bytes': Buffer.from(String(jwk.x), 'base64url'),
        'x as text': String(jwk.x),
      };
      const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
      const cases: Record<string, string> = {};
      for (const [label, key] of Object.entries(confusionKeys)) {
        cases[`HS256 keyed with the public key, ${label}, kid k1`] = hmacJwt({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' }, claims, key);
        cases[`HS256 keyed with the public key, ${label}, no kid`] = hmacJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, key);
      }
      const forged = (header: Json): string => signedJwt({ alg: 'EdDSA', typ: 'at+jwt', ...header }, claims, attacker.privateKey);
      Object.assign(cases, {
        'alg none with kid k1': `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${b64(claims)}.`,
        'attacker key, kid k1': forged({ kid: 'k1' }),
        'attacker key, unknown kid': forged({ kid: 'k2' }),
        'attacker key, no kid': forged({}),
        'attacker key, empty kid': forged({ kid: '' }),
        'attacker key, kid path traversal': forged({ kid: '../../../../etc/passwd' }),
        'attacker key, kid SQL injection': forged({ kid: "k1' OR '1'='1" }),
        'attacker key, kid as an array': forged({ kid: ['k1'] }),
        'attacker key, kid as an object': forged({ kid: { $ne: null } }),
        'attacker key in an embedded jwk': forged({ jwk: attackerJwk }),
        'attacker key in an embedded jwk, kid k1': forged({ kid: 'k1', jwk: { ...attackerJwk, kid: 'k1' } }),
        'attacker jku': forged({ kid: 'k1', jku: 'https://evil.example/jwks.json' }),
        'attacker x5u': forged({ kid: 'k1', x5u: 'https://evil.example/cert.pem' }),
        'attacker x5c': forged({ kid: 'k1', x5c: [b64('not a certificate')] }),
        'ES256 with an attacker key, kid k1': signedJwt({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, claims, attackerEc.privateKey),
        'ours, tampered role': `${ada.accessToken.split('.')[0]}.${b64({ ...claims, role: 'admin' })}.${ada.accessToken.split('.')[2]}`,
      });
      for (const [label, token] of Object.entries(cases)) {
        await expectRefused(await t.call('GET', '/protected', { token }), `/protected: ${label}`);
        await expectRefused(await t.call('GET', '/auth/profile', { token }), `/auth/profile: ${label}`);
      }
    });

    it('accepts an access token until the millisecond before exp and refuses it from exp on as TOKEN_EXPIRED; iat is allowed only the configured skew ahead', async () => {
      const t = await setup();
      const ada = await t.login();
      const claims = payloadOf(ada.accessToken);
      expect(claims.exp - claims.iat).toBe(ACCESS_TTL_MS / 1000);
      t.clock.advance(ACCESS_TTL_MS - 1);
      expect(await status(t, ada.accessToken)).toBe(200);
      expect((await t.call('GET', '/auth/profile', { token: ada.accessToken })).status).toBe(200);
      t.clock.advance(1);
      const expired = await t.call('GET', '/protected', { token: ada.accessToken });
      expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      await expectRefused(expired, 'at exp', ['TOKEN_EXPIRED']);
      await expectRefused(await t.call('GET', '/auth/profile', { token: ada.accessToken }), 'route at exp', ['TOKEN_EXPIRED']);
      // A refreshed session hands out a fresh token; the expired one stays dead.
      const refreshed = await json(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: ada.refreshToken } }));
      expect(await status(t, refreshed.data.tokens.accessToken)).toBe(200);
      await expectRefused(await t.call('GET', '/protected', { token: ada.accessToken }), 'still expired', ['TOKEN_EXPIRED']);

      // iat: up to the 5 s skew ahead is another instance's clock; beyond it, a forgery.
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const fresh = payloadOf(refreshed.data.tokens.accessToken);
      const ahead = (seconds: number): string => hmacJwt({ alg: 'HS256', typ: 'at+jwt' }, { ...fresh, jti: `ahead-${seconds}`, iat: now + seconds, exp: now + 900 });
      expect(await status(t, ahead(5))).toBe(200);
      await expectRefused(await t.call('GET', '/protected', { token: ahead(6) }), 'iat 6 s ahead');
    });

    it('refuses refresh, reset, verification and email-change tokens presented as access tokens, and an access token presented as any of them', async () => {
      const t = await setup();
      const ada = await t.login();
      const verification = await mailedToken(t, 'ada@example.com');
      await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
      const reset = await mailedToken(t, 'ada@example.com');
      await t.call('POST', '/auth/change-email', { token: ada.accessToken, body: { password: PASSWORD, newEmail: 'ada@lovelace.example' } });
      const change = await mailedToken(t, 'ada@lovelace.example');
      for (const [label, token] of Object.entries({ refresh: ada.refreshToken, reset, verification, 'email change': change })) {
        await expectRefused(await t.call('GET', '/protected', { token }), `${label} token as access token`);
        await expectRefused(await t.call('GET', '/auth/profile', { token }), `${label} token as access token on a route`);
      }
      const asRefresh = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: ada.accessToken } });
      await expectRefused(asRefresh, 'access token as refresh token');
      const asReset = await t.call('POST', '/auth/password/reset/confirm', { body: { token: ada.accessToken, password: 'Another-Horse-42' } });
      expect(asReset.status).toBe(401);
      expect((await json(asReset)).error.code).toBe('TOKEN_INVALID');
      const asVerification = await t.call('POST', '/auth/verify-email', { body: { token: ada.accessToken } });
      expect(asVerification.status).toBe(401);
      // A reset token is not a verification token either (one purpose per token).
      const crossed = await t.call('POST', '/auth/verify-email', { body: { token: reset } });
      expect(crossed.status).toBe(401);
      // and the tokens it was confused with all still work for their own purpose
      expect(await status(t, ada.accessToken)).toBe(200);
      expect((await t.call('POST', '/auth/password/reset/confirm', { body: { token: reset, password: 'Another-Horse-42' } })).status).toBe(200);
    });

    it('refuses the tokens of a disabled or deleted user at once, also when the store was changed without ending the sessions', async () => {
      const t = await setup();
      const ada = await t.login('ada@example.com');
      const bob = await t.login('bob@example.com');
      const eve = await t.login('eve@example.com');

      await t.auth.setUserStatus({ userId: ada.userId, status: 'disabled' });
      await expectRefused(await t.call('GET', '/protected', { token: ada.accessToken }), 'disabled');
      await expectRefused(await t.call('GET', '/auth/profile', { token: ada.accessToken }), 'disabled, route');
      expect((await t.call('POST', '/auth/token/refresh', { body: { refreshToken: ada.refreshToken } })).status).toBe(401);
      await t.auth.setUserStatus({ userId: ada.userId, status: 'active' });
      await expectRefused(await t.call('GET', '/protected', { token: ada.accessToken }), 're-enabling does not revive old sessions');

      // Disabled behind Gatehouse's back (sessions left live): the status is checked on every request.
      await t.auth.context.store.updateUser(bob.userId, { status: 'disabled', updatedAt: t.clock.now() });
      await expectRefused(await t.call('GET', '/protected', { token: bob.accessToken }), 'disabled in the store');
      await expectRefused(await t.call('GET', '/auth/profile', { token: bob.accessToken }), 'disabled in the store, route');
      const bobRefresh = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: bob.refreshToken } });
      expect(bobRefresh.status).toBe(403);
      expect((await json(bobRefresh)).error.code).toBe('ACCOUNT_DISABLED');

      await t.auth.deleteUser({ userId: eve.userId });
      await expectRefused(await t.call('GET', '/protected', { token: eve.accessToken }), 'deleted');
      await expectRefused(await t.call('GET', '/auth/profile', { token: eve.accessToken }), 'deleted, route');
      await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: eve.refreshToken } }), 'deleted, refresh');
    });

    it('ends access at once after logout, logout-all, a password change (other sessions) and a password reset (every session), for access and refresh tokens alike', async () => {
      const t = await setup();
      const a = await t.login();
      const b = await t.signIn();
      const refused = async (s: Session, label: string): Promise<void> => {
        await expectRefused(await t.call('GET', '/protected', { token: s.accessToken }), `${label}: access token`);
        await expectRefused(await t.call('GET', '/auth/profile', { token: s.accessToken }), `${label}: access token on a route`);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: s.refreshToken } }), `${label}: refresh token`);
      };

      expect((await t.call('POST', '/auth/logout', { token: a.accessToken })).status).toBe(200);
      await refused(a, 'after logout');
      expect(await status(t, b.accessToken)).toBe(200);

      const c = await t.signIn();
      expect((await t.call('POST', '/auth/logout/all', { token: b.accessToken })).status).toBe(200);
      await refused(b, 'after logout-all, the caller');
      await refused(c, 'after logout-all, another session');

      // A new minute, so the 5-a-minute login limit does not get in the way of the next logins.
      t.clock.advance(61_000);
      const d = await t.signIn();
      const e = await t.signIn();
      const changed = await t.call('POST', '/auth/password/change', { token: d.accessToken, body: { currentPassword: PASSWORD, newPassword: 'Another-Horse-42' } });
      expect(changed.status).toBe(200);
      expect(await status(t, d.accessToken)).toBe(200);
      await refused(e, 'after a password change, another session');

      const f = await t.signIn('ada@example.com', 'Another-Horse-42');
      await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
      const reset = await mailedToken(t, 'ada@example.com');
      expect((await t.call('POST', '/auth/password/reset/confirm', { body: { token: reset, password: 'Third-Horse-77' } })).status).toBe(200);
      await refused(d, 'after a reset, the session that changed the password');
      await refused(f, 'after a reset, a newer session');
      // A used reset token cannot be used again.
      expect((await t.call('POST', '/auth/password/reset/confirm', { body: { token: reset, password: 'Fourth-Horse-88' } })).status).toBe(401);
    });

    it('takes the access token only from the Authorization header: not from the query string, a cookie, another scheme, or a second token', async () => {
      const t = await setup();
      const ada = await t.login();
      for (const path of ['/protected', '/auth/profile']) {
        const inQuery = await t.call('GET', `${path}?access_token=${ada.accessToken}`);
        expect(inQuery.headers.get('www-authenticate'), path).toBe('Bearer');
        await expectRefused(inQuery, `${path}: query string`, ['UNAUTHENTICATED']);
        await expectRefused(await t.call('GET', path, { headers: { cookie: `access_token=${ada.accessToken}` } }), `${path}: cookie`, ['UNAUTHENTICATED']);
        await expectRefused(await t.call('GET', path, { headers: { authorization: `Basic ${b64(`ada@example.com:${PASSWORD}`)}` } }), `${path}: Basic`, ['UNAUTHENTICATED']);
        await expectRefused(await t.call('GET', path, { headers: { authorization: `Bearer ${ada.accessToken} ${ada.accessToken}` } }), `${path}: two tokens`);
        await expectRefused(await t.call('GET', path, { headers: { authorization: `Bearer ${ada.accessToken}, Bearer x` } }), `${path}: two credentials`);
      }
    });

    it('marks every response that carries tokens Cache-Control: no-store', async () => {
      const t = await setup();
      const registered = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
      const login = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
      const { refreshToken } = (await json(login.clone())).data.tokens as Session;
      const refreshed = await t.call('POST', '/auth/token/refresh', { body: { refreshToken } });
      for (const [label, response] of Object.entries({ registered, login, refreshed })) {
        expect(response.status, label).toBeLessThan(300);
        expect(response.headers.get('cache-control'), label).toBe('no-store');
      }
    });
  });
}
