import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuthConfig } from '../../config.js';
import { argon2Hasher } from '../../password/argon2-hasher.js';
import type { HttpOptions } from '../options.js';
import { APP_URL, PASSWORD, SECRET, START, mailedCode, mailedToken, mountSuiteApp, settle, urlsIn, type CallInit, type SuiteApp } from './suite-app.js';
import type { ContractMount } from './contract-suite.js';
import { accountIntegrityAttacks } from './attacks/account-integrity.js';

/** Options of {@link runHttpAttacks}. */
export interface HttpAttackOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  /** The same mount function as for `runHttpContract`: `/auth` routes, `GET /protected`, requests from 127.0.0.1. */
  mount: ContractMount;
}

const ACCESS_TTL_MS = 15 * 60_000;
const GRACE_MS = 10_000;

/** A logged-in session as a client holds it, with the ids read from the access token. */
interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  sessionId: string;
}

interface Harness extends SuiteApp {
  /** Registers `email` over HTTP (201 expected) and returns the user id. */
  register(email?: string, password?: string): Promise<string>;
  /** Logs in over HTTP (200 expected). */
  signIn(email?: string, password?: string): Promise<Session>;
  /** Registers, then logs in. */
  login(email?: string): Promise<Session>;
}

type Json = Record<string, any>;

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function payloadOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
}

function without(claims: Json, name: string): Json {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

/** An HMAC-signed JWT built by hand, so any header (including ones jose refuses to write) can be sent. */
function hmacJwt(header: Json, payload: Json, key: string | Uint8Array = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const digest = header.alg === 'HS512' ? 'sha512' : header.alg === 'HS384' ? 'sha384' : 'sha256';
  return `${input}.${createHmac(digest, key).update(input).digest('base64url')}`;
}

/** A JWT signed with an asymmetric private key (Ed25519, or P-256 in JOSE's r||s form). */
function signedJwt(header: Json, payload: Json, privateKey: KeyObject): string {
  const input = Buffer.from(`${b64(header)}.${b64(payload)}`);
  const signature =
    privateKey.asymmetricKeyType === 'ed25519' ? sign(null, input, privateKey) : sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input.toString()}.${signature.toString('base64url')}`;
}

/** Every URL in a mail's text and HTML parts. */
// Headers that may differ between two otherwise identical answers: the time, the connection,
// and rate-limit budgets that count every request from one address.
const VOLATILE_HEADERS = /^(?:date|connection|keep-alive|ratelimit|ratelimit-.*|x-ratelimit-.*)$/i;
// When every compared request starts from the same budgets, only the time and the connection may differ.
const TIME_HEADERS = /^(?:date|connection|keep-alive)$/i;

interface Snapshot {
  status: number;
  headers: [string, string][];
  body: unknown;
}

/** The whole of a response, minus the volatile headers, for byte-for-byte comparison. */
async function snapshot(response: Response, mask: (body: Json) => Json = (body) => body, volatile: RegExp = VOLATILE_HEADERS): Promise<Snapshot> {
  const headers = [...response.headers.entries()].filter(([name]) => !volatile.test(name)).sort(([a], [b]) => a.localeCompare(b));
  const text = await response.text();
  let body: unknown = text;
  try {
    body = mask(JSON.parse(text) as Json);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, headers, body };
}

/**
 * Asserts what every refused bearer token must get: 401, an RFC 6750 `WWW-Authenticate: Bearer`
 * challenge, and the error envelope with nothing else in it.
 */
async function expectRefused(response: Response, label: string, codes: readonly string[] = ['TOKEN_INVALID']): Promise<void> {
  expect(response.status, label).toBe(401);
  expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer(?:$| )/);
  const body = await json(response);
  expect(body, label).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(codes, `${label}: ${body.error.code}`).toContain(body.error.code);
}

/**
 * Attacks over HTTP, written once and run over every adapter: forged, confused and replayed
 * tokens, refresh-token theft, account enumeration, brute force and rate-limit evasion,
 * hostile bodies, Host-header poisoning, open redirects and mass assignment. Takes the same
 * mount function as {@link runHttpContract}. Call it inside a test file; it declares its own
 * `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpAttacks } from '@gatehouse/core/http/testing';
 * runHttpAttacks({ name: 'my-framework', mount: (auth, options) => ({ fetch: myApp(auth, options).fetch }) });
 * ```
 */
export function runHttpAttacks({ name, mount }: HttpAttackOptions): void {
  async function setup(options: HttpOptions = {}, config: Partial<AuthConfig<any>> = {}): Promise<Harness> {
    const { auth, clock, mailer, errors, call } = await mountSuiteApp(mount, options, config);
    const register: Harness['register'] = async (email = 'ada@example.com', password = PASSWORD) => {
      const response = await call('POST', '/auth/register', { body: { email, password } });
      expect(response.status).toBe(201);
      return (await json(response)).data.user.id as string;
    };
    const signIn: Harness['signIn'] = async (email = 'ada@example.com', password = PASSWORD) => {
      const response = await call('POST', '/auth/login', { body: { email, password } });
      expect(response.status).toBe(200);
      const { accessToken, refreshToken } = (await json(response)).data.tokens as { accessToken: string; refreshToken: string };
      const claims = payloadOf(accessToken);
      return { accessToken, refreshToken, userId: claims.sub as string, sessionId: claims.sid as string };
    };
    const login: Harness['login'] = async (email = 'ada@example.com') => {
      await register(email);
      return signIn(email);
    };
    return { auth, clock, mailer, errors, call, register, signIn, login };
  }

  async function status(t: Harness, token: string): Promise<number> {
    return (await t.call('GET', '/protected', { token })).status;
  }

  describe(`HTTP attacks: ${name}`, () => {
    accountIntegrityAttacks(mount);
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

    describe('refresh tokens', () => {
      it('a replayed rotated token revokes the whole family, and the revocation survives the 401', async () => {
        const t = await setup();
        const first = await t.login();
        const other = await t.signIn();
        const rotated = await json(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } }));
        const second = rotated.data.tokens as Session;
        expect(await status(t, second.accessToken)).toBe(200);
        t.clock.advance(GRACE_MS + 1);
        const replay = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } });
        await expectRefused(replay, 'replay', ['REFRESH_TOKEN_REUSED']);
        // Thief and victim are both out: the live refresh token and the family's access tokens.
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: second.refreshToken } }), 'live token of the revoked family');
        await expectRefused(await t.call('GET', '/protected', { token: second.accessToken }), 'access token of the revoked family');
        await expectRefused(await t.call('GET', '/protected', { token: first.accessToken }), 'first access token of the revoked family');
        // Nothing brings it back: not a second replay, not the grace window, not time.
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } }), 'second replay');
        t.clock.advance(60_000);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: second.refreshToken } }), 'live token, later');
        // Only that family: the user's other session, and a new login, work.
        expect(await status(t, other.accessToken)).toBe(200);
        expect((await t.call('POST', '/auth/token/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(200);
        await t.signIn();
      });

      it('N parallel refreshes of one token never fork the family: one successor, and it alone stays live', async () => {
        const t = await setup();
        const first = await t.login();
        const responses = await Promise.all(Array.from({ length: 8 }, () => t.call('POST', '/auth/token/refresh', { body: { refreshToken: first.refreshToken } })));
        const bodies = await Promise.all(responses.map((response) => json(response)));
        expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
        const successors = new Set(bodies.map((body) => body.data.tokens.refreshToken as string));
        expect(successors.size).toBe(1);
        const [successor = ''] = [...successors];
        for (const body of bodies) expect(await status(t, body.data.tokens.accessToken)).toBe(200);
        // The one successor rotates on; after that, every earlier token is a replay that ends the family.
        const next = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: successor } });
        expect(next.status).toBe(200);
        const live = (await json(next)).data.tokens.refreshToken as string;
        t.clock.advance(GRACE_MS + 1);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: successor } }), 'the parallel successor, once rotated', ['REFRESH_TOKEN_REUSED']);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: live } }), 'the family is gone');
      });

      it('grace-window abuse: a retry inside the window gets the same successor, never a branch; after further rotations, or past the window, an old token is a replay', async () => {
        const t = await setup();
        // Inside the window, the original token only ever yields the one successor.
        const a = await t.login();
        const a1 = (await json(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: a.refreshToken } }))).data.tokens.refreshToken as string;
        for (const elapsed of [1_000, 5_000, GRACE_MS]) {
          t.clock.set(START + elapsed);
          const retry = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: a.refreshToken } });
          expect(retry.status, `retry after ${elapsed} ms`).toBe(200);
          expect((await json(retry)).data.tokens.refreshToken, `retry after ${elapsed} ms`).toBe(a1);
        }
        t.clock.set(START + GRACE_MS + 1);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: a.refreshToken } }), '1 ms past the window', ['REFRESH_TOKEN_REUSED']);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: a1 } }), 'successor after the replay');

        // After several rotations, old tokens are replays even inside the window.
        t.clock.set(START + 120_000);
        const b = await t.signIn();
        const chain = [b.refreshToken];
        for (let step = 0; step < 3; step++) {
          const response = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: chain[chain.length - 1] } });
          expect(response.status).toBe(200);
          chain.push((await json(response)).data.tokens.refreshToken as string);
        }
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: chain[1] } }), 'two rotations back, inside the window', ['REFRESH_TOKEN_REUSED']);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: chain[3] } }), 'the live token after that replay');
        await expectRefused(await t.call('POST', '/auth/token/refresh', { body: { refreshToken: chain[0] } }), 'the first token');
      });
      it('refresh-token cookie mode: cross-site requests cannot use the cookie, bodies a cross-site form can send are refused, and a replayed cookie ends the family', async () => {
        const t = await setup({ refreshCookie: true });
        const same = { origin: APP_URL };
        const credentials = { email: 'ada@example.com', password: PASSWORD };
        expect((await t.call('POST', '/auth/register', { body: credentials, headers: same })).status).toBe(201);
        const login = await t.call('POST', '/auth/login', { body: credentials, headers: same });
        const cookieOf = (response: Response): string => (response.headers.getSetCookie().find((value) => value.startsWith('__Host-gatehouse-refresh=')) ?? '').split(';')[0] ?? '';
        const cookie = cookieOf(login);
        expect(cookie).toMatch(/^__Host-gatehouse-refresh=.+/);
        const accessToken = (await json(login)).data.tokens.accessToken as string;

        const hostileOrigins = [undefined, 'null', 'https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com', 'https://app.example.com:8443', 'https://APP.EXAMPLE.COM'];
        for (const origin of hostileOrigins) {
          const headers: Record<string, string> = { cookie, ...(origin === undefined ? {} : { origin }) };
          const refresh = await t.call('POST', '/auth/token/refresh', { headers });
          expect(refresh.status, `refresh, Origin ${origin}`).toBe(403);
          expect((await json(refresh)).error.code, `refresh, Origin ${origin}`).toBe('ORIGIN_NOT_ALLOWED');
          const logout = await t.call('POST', '/auth/logout', { token: accessToken, headers });
          expect(logout.status, `logout, Origin ${origin}`).toBe(403);
        }
        // What a cross-site <form> can send without a preflight: never read as JSON.
        for (const [type, raw] of [
          ['text/plain', JSON.stringify(credentials)],
          ['application/x-www-form-urlencoded', 'email=ada%40example.com&password=Correct-Horse-9'],
          ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com\r\n--x--\r\n'],
        ]) {
          const response = await t.call('POST', '/auth/login', { raw, headers: { 'content-type': type ?? '', origin: 'https://evil.example' } });
          expect(response.status, type).toBe(415);
        }

        const refreshed = await t.call('POST', '/auth/token/refresh', { headers: { cookie, ...same } });
        expect(refreshed.status).toBe(200);
        const next = cookieOf(refreshed);
        expect(next).not.toBe(cookie);
        t.clock.advance(GRACE_MS + 1);
        const replay = await t.call('POST', '/auth/token/refresh', { headers: { cookie, ...same } });
        await expectRefused(replay.clone(), 'replayed cookie', ['REFRESH_TOKEN_REUSED']);
        expect(replay.headers.getSetCookie().join('\n')).toMatch(/__Host-gatehouse-refresh=; .*Max-Age=0/);
        await expectRefused(await t.call('POST', '/auth/token/refresh', { headers: { cookie: next, ...same } }), 'the live cookie after the replay');
      });

      it('accessTokenRefresh: only a valid access token of a live session mints another, for that session only', async () => {
        const t = await setup({ accessTokenRefresh: true });
        const ada = await t.login();
        const reissue = (token: string): Promise<Response> => t.call('POST', '/auth/token/refresh', { token });
        const ok = await reissue(ada.accessToken);
        expect(ok.status).toBe(200);
        const minted = (await json(ok)).data.tokens as Json;
        expect(minted).not.toHaveProperty('refreshToken');
        expect(payloadOf(minted.accessToken as string)).toMatchObject({ sub: ada.userId, sid: ada.sessionId });
        const claims = payloadOf(ada.accessToken);
        const [header = '', , signature = ''] = ada.accessToken.split('.');
        for (const [label, token] of Object.entries({
          'alg none': `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`,
          'tampered sid': `${header}.${b64({ ...claims, sid: 'another-session' })}.${signature}`,
          'another secret': hmacJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, 'another-secret-'.padEnd(32, 'y')),
          'the refresh token': ada.refreshToken,
        })) {
          await expectRefused(await reissue(token), `reissue with ${label}`);
        }
        const other = await t.signIn();
        expect((await t.call('POST', '/auth/logout', { token: other.accessToken })).status).toBe(200);
        await expectRefused(await reissue(other.accessToken), 'reissue after logout');
        t.clock.advance(ACCESS_TTL_MS);
        await expectRefused(await reissue(ada.accessToken), 'reissue with an expired token', ['TOKEN_EXPIRED']);
      });
    });

    describe('account enumeration', () => {
      // Addresses of one length, so that a body echoing the address keeps one Content-Length.
      async function accounts(t: Harness): Promise<void> {
        // verified, unverified and disabled accounts, all with the same password
        const verified = await t.auth.register({ email: 'verified@example.com', password: PASSWORD });
        await t.auth.context.store.updateUser(verified.user.id, { emailVerifiedAt: t.clock.now(), status: 'active', updatedAt: t.clock.now() });
        await t.auth.register({ email: 'pending1@example.com', password: PASSWORD });
        const disabled = await t.auth.register({ email: 'disabled@example.com', password: PASSWORD });
        await t.auth.setUserStatus({ userId: disabled.user.id, status: 'disabled' });
        await settle(t);
      }

      let client = 0;

      /**
       * Sends the bodies in two rounds and compares the answers within each round. First all from
       * one address, comparing all but the RateLimit-* headers (its budget shrinks with each
       * request); then each from an address of its own (behind the trusted proxy 127.0.0.1), so
       * every request starts from the same budgets and even the RateLimit-* headers must match.
       */
      async function sameAnswers(t: Harness, path: string, bodies: Record<string, Json>, mask?: (body: Json) => Json): Promise<{ shared: Snapshot; separate: Snapshot }> {
        const round = async (headers: () => Record<string, string>, volatile: RegExp): Promise<Snapshot> => {
          const snapshots: [string, Snapshot][] = [];
          for (const [label, body] of Object.entries(bodies)) snapshots.push([label, await snapshot(await t.call('POST', path, { body, headers: headers() }), mask, volatile)]);
          const [reference, ...rest] = snapshots;
          for (const [label, shot] of rest) expect(shot, `${path}: ${label} vs ${reference?.[0]}`).toEqual(reference?.[1]);
          return reference?.[1] as Snapshot;
        };
        const shared = await round(() => ({ 'x-forwarded-for': '203.0.113.200' }), VOLATILE_HEADERS);
        client += 1;
        const separate = await round(() => ({ 'x-forwarded-for': `198.51.100.${(client++ % 250) + 1}` }), TIME_HEADERS);
        return { shared, separate };
      }

      it('login: an unknown address and a wrong password for verified, unverified and disabled accounts get the same status, headers and body', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true } });
        await accounts(t);
        const wrong = 'Wrong-Horse-1';
        const { shared, separate } = await sameAnswers(t, '/auth/login', {
          unknown: { email: 'nobody00@example.com', password: wrong },
          verified: { email: 'verified@example.com', password: wrong },
          unverified: { email: 'pending1@example.com', password: wrong },
          disabled: { email: 'disabled@example.com', password: wrong },
        });
        expect([shared.status, separate.status]).toEqual([401, 401]);
      });

      it('password reset: unknown, verified, unverified and disabled addresses get the same answer, also once rate-limited', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true } });
        await accounts(t);
        const bodies = {
          unknown: { email: 'nobody00@example.com' },
          verified: { email: 'verified@example.com' },
          unverified: { email: 'pending1@example.com' },
          disabled: { email: 'disabled@example.com' },
        };
        const first = await sameAnswers(t, '/auth/password/reset', bodies);
        expect([first.shared.status, first.separate.status]).toEqual([200, 200]);
        await settle(t);
        expect(t.mailer.messages.filter((message) => message.subject.startsWith('Reset your')).map((message) => message.to).sort()).toEqual([
          'pending1@example.com',
          'pending1@example.com',
          'verified@example.com',
          'verified@example.com',
        ]);
        // 3 an hour per address: the fourth request of each address is refused, alike for all.
        const second = await sameAnswers(t, '/auth/password/reset', bodies);
        expect([second.shared.status, second.separate.status]).toEqual([200, 429]);
      });

      it('resend verification: unknown, verified, unverified and disabled addresses get the same answer, also once rate-limited', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true } });
        await accounts(t);
        const bodies = {
          unknown: { email: 'nobody00@example.com' },
          verified: { email: 'verified@example.com' },
          unverified: { email: 'pending1@example.com' },
          disabled: { email: 'disabled@example.com' },
        };
        const first = await sameAnswers(t, '/auth/resend-verification', bodies);
        expect([first.shared.status, first.separate.status]).toEqual([200, 200]);
        const second = await sameAnswers(t, '/auth/resend-verification', bodies);
        expect([second.shared.status, second.separate.status]).toEqual([200, 429]);
      });

      it('register with verification required: a new address and verified, unverified or disabled existing ones get the same answer (the random id and the echoed address aside)', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true } });
        await accounts(t);
        const ids = new Set<string>();
        const mask = (body: Json): Json => {
          if (body.data?.user?.id) {
            ids.add(body.data.user.id as string);
            return { ...body, data: { ...body.data, user: { ...body.data.user, id: '<random>', email: '<the address sent>' } } };
          }
          return body;
        };
        const { shared, separate } = await sameAnswers(
          t,
          '/auth/register',
          {
            new: { email: 'brandnew@example.com', password: PASSWORD, firstName: 'Ada' },
            verified: { email: 'verified@example.com', password: PASSWORD, firstName: 'Ada' },
            unverified: { email: 'pending1@example.com', password: PASSWORD, firstName: 'Ada' },
            disabled: { email: 'disabled@example.com', password: PASSWORD, firstName: 'Ada' },
          },
          mask,
        );
        expect([shared.status, separate.status]).toEqual([201, 201]);
        expect(separate.body).toMatchObject({ data: { tokens: null, verificationRequired: true, user: { emailVerified: false, status: 'pending' } } });
        // the ids are fresh each time, not the stored account's
        expect(ids.size).toBe(8);
      });
    });

    describe('brute force and rate-limit evasion', () => {
      async function attempts(t: Harness, count: number, build: (index: number) => { path?: string; email?: string; password?: string; headers?: Record<string, string> }): Promise<Response[]> {
        const responses: Response[] = [];
        for (let index = 0; index < count; index++) {
          const { path = '/auth/login', email = 'ada@example.com', password = 'Wrong-Horse-1', headers } = build(index);
          responses.push(await t.call('POST', path, { body: { email, password }, ...(headers ? { headers } : {}) }));
        }
        return responses;
      }

      async function expectLimited(response: Response | undefined, label: string): Promise<void> {
        expect(response?.status, label).toBe(429);
        const retryAfter = Number(response?.headers.get('retry-after'));
        expect(retryAfter, label).toBeGreaterThan(0);
        expect((await json(response as Response)).error, label).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
      }

      it('guessing one account’s password hits the limit after 5 tries a minute: 429 with Retry-After, even for the right password, until the window ends', async () => {
        const t = await setup();
        await t.register();
        const responses = await attempts(t, 5, () => ({}));
        expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
        const blocked = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        await expectLimited(blocked, 'right password while limited');
        const retryAfter = Number(blocked.headers.get('retry-after'));
        expect(retryAfter).toBeLessThanOrEqual(60);
        t.clock.advance(retryAfter * 1000);
        expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(200);
      });

      it('spraying one password over many accounts from one address hits the per-address limit (30 a minute)', async () => {
        const t = await setup();
        const responses = await attempts(t, 31, (index) => ({ email: `user${index}@example.com` }));
        expect(responses.slice(0, 30).every((response) => response.status === 401)).toBe(true);
        await expectLimited(responses[30], '31st account');
      });

      it('a spoofed X-Forwarded-For does not change the rate-limit key without trustProxy', async () => {
        const t = await setup();
        await t.register();
        const responses = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `203.0.113.${index + 1}` } }));
        expect(responses.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
        await expectLimited(responses[5], 'sixth try, sixth spoofed address');
        const sprayed = await attempts(t, 31, (index) => ({ email: `user${index}@example.com`, headers: { 'x-forwarded-for': `198.51.100.${index + 1}` } }));
        // 6 tries above already count against this address; spoofing does not reset them.
        expect(sprayed.some((response) => response.status === 429)).toBe(true);
      });

      it('behind a trusted proxy X-Forwarded-For does pick the key, but only its right-most untrusted hop: prepending addresses changes nothing', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] });
        await t.register();
        const rotating = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `203.0.113.${index + 1}` } }));
        expect(rotating.map((response) => response.status)).toEqual([401, 401, 401, 401, 401, 401]);
        const prepended = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `10.${index}.0.1, 192.0.2.${index + 1}, 198.51.100.7` } }));
        expect(prepended.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
        await expectLimited(prepended[5], 'sixth try from one client with varying spoofed prefixes');
      });

      it('IPv6 clients rotating addresses inside one /64 share a limit; another /64 does not', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] });
        await t.register();
        const rotating = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': `2001:db8:1:2:${(index + 1).toString(16)}:${index}::${index + 7}` } }));
        expect(rotating.slice(0, 5).map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
        await expectLimited(rotating[5], 'sixth address of the /64');
        const expanded = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' }, headers: { 'x-forwarded-for': '2001:0DB8:0001:0002:FFFF:FFFF:FFFF:FFFF' } });
        await expectLimited(expanded, 'same /64, spelled out in upper case');
        const neighbour = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' }, headers: { 'x-forwarded-for': '2001:db8:1:3::1' } });
        expect(neighbour.status).toBe(401);
        // IPv4 and its IPv4-mapped IPv6 spelling are one client too.
        const mapped = await attempts(t, 6, (index) => ({ headers: { 'x-forwarded-for': index % 2 === 0 ? '192.0.2.9' : '::ffff:192.0.2.9' } }));
        await expectLimited(mapped[5], 'IPv4 and IPv4-mapped IPv6 alternating');
      });

      it('path variants (trailing slash, query string, doubled or upper-case segments) share one limit; a variant is either the same route or 404', async () => {
        const variants = ['/auth/login', '/auth/login/', '/auth/login?x=1', '/auth/login/?utm=1&x=2', '//auth/login', '/auth//login', '/AUTH/login', '/auth/LOGIN', '/auth/login%2F', '/auth/%6Cogin'];
        // per account and address (5 a minute)
        const t = await setup();
        await t.register();
        let counted = 0;
        const seen: string[] = [];
        for (let round = 0; round < 3 && counted < 6; round++) {
          for (const path of variants) {
            const response = await t.call('POST', path, { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' } });
            seen.push(`${path} ${response.status}`);
            expect([401, 404, 429], `${path}: ${response.status}`).toContain(response.status);
            if (response.status === 401) counted++;
            if (response.status === 429) expect(counted, `429 only once 5 tries counted (${seen.join(', ')})`).toBe(5);
          }
        }
        expect(counted, seen.join(', ')).toBe(5);
        for (const path of ['/auth/login/', '/auth/login?x=1']) {
          await expectLimited(await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } }), path);
        }

        // per address across routes (configured down to 8 a minute)
        const u = await setup({}, { rateLimits: { perIp: { limit: 8, window: '1m' } } });
        let served = 0;
        for (const [index, path] of [...variants, ...variants].entries()) {
          const response = await u.call('POST', path, { body: { email: `user${index}@example.com`, password: 'Wrong-Horse-1' } });
          expect([401, 404, 429], `${path}: ${response.status}`).toContain(response.status);
          if (response.status === 401) served++;
          if (response.status === 429) expect(served, path).toBe(8);
        }
        expect(served).toBe(8);
      });

      it('verification codes cannot be brute-forced: 5 wrong guesses void the code', async () => {
        const t = await setup({}, { emailVerification: { method: 'code', requiredForLogin: false } });
        await t.register();
        const code = await mailedCode(t, 'ada@example.com');
        const wrong = code === 'ABCDEF' ? 'ABCDEG' : 'ABCDEF';
        for (let guess = 0; guess < 5; guess++) {
          const response = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code: wrong } });
          expect(response.status, `guess ${guess + 1}`).toBe(401);
        }
        const right = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code } });
        expect(right.status).toBe(401);
      });
    });

    describe('hostile input', () => {
      it('answers oversized bodies with 413: 17 KiB of JSON, and a 10 MB password', async () => {
        const t = await setup();
        for (const size of [17 * 1024, 10 * 1024 * 1024]) {
          const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(size) } });
          expect(response.status, `${size} bytes`).toBe(413);
          expect((await json(response)).error.code).toBe('PAYLOAD_TOO_LARGE');
        }
        const register = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: 'Aa1'.repeat(4 * 1024 * 1024) } });
        expect(register.status).toBe(413);
      });

      it('refuses a 10 MB password before any hashing even when the app raises the body limit (413 or 422, never 401)', async () => {
        const t = await setup({ bodyLimit: 16 * 1024 * 1024 });
        await t.register();
        for (const path of ['/auth/login', '/auth/register']) {
          const response = await t.call('POST', path, { body: { email: 'ada@example.com', password: `Aa1${'x'.repeat(10 * 1024 * 1024)}` } });
          expect([413, 422], `${path}: ${response.status}`).toContain(response.status);
        }
        const justOver = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(1025) } });
        expect(justOver.status).toBe(422);
        expect((await json(justOver)).error.fields[0]).toMatchObject({ field: 'password', code: 'too_long' });
      });

      it('answers deeply nested JSON with a clear 4xx, never a 5xx', async () => {
        const t = await setup({}, { rateLimits: { perIp: { limit: 1000, window: '1m' } } });
        const { accessToken } = await t.login();
        const arrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const objects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        // A sweep of depths up to what fits in the 16 KiB default: where a recursive walk overflows
        // the stack depends on the frames it needs and on the JIT, so no single depth finds it everywhere.
        const values: Record<string, string> = {};
        for (const depth of [100, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000]) values[`arrays ${depth} deep`] = arrays(depth);
        for (const depth of [500, 1000, 1500, 2000, 2500]) values[`objects ${depth} deep`] = objects(depth);
        // The nested value goes where each route reads a field (the address, a profile field): a
        // 4xx. As the whole body, an array is not an object (422); an object of unknown fields
        // changes nothing (200). Never a 5xx. Soft assertions, so one run lists every failing case.
        const routes = [
          ['POST', '/auth/login', (value: string) => `{"email":${value},"password":"x"}`, true],
          ['POST', '/auth/register', (value: string) => `{"email":"eve@example.com","password":"${PASSWORD}","firstName":${value}}`, true],
          ['PATCH', '/auth/profile', (value: string) => `{"firstName":${value}}`, true],
          ['PUT', '/auth/profile', (value: string) => value, false],
        ] as const;
        for (const [label, value] of Object.entries(values)) {
          for (const [method, path, build, refused] of routes) {
            const raw = build(value);
            const response = await t.call(method, path, { raw, token: accessToken });
            const where = `${method} ${path} ${raw.slice(0, 24)}…, ${label}`;
            expect.soft(response.status, where).toBeLessThan(500);
            if (refused || response.status >= 400) {
              expect.soft(response.status, where).toBeGreaterThanOrEqual(400);
              expect.soft((await json(response)).error?.code, where).toMatch(/^(?:MALFORMED_BODY|VALIDATION_FAILED|PAYLOAD_TOO_LARGE)$/);
            }
          }
        }
        expect(t.errors).toEqual([]);

        // With the body limit raised by the app, hundreds of thousands of levels (about 1 MB) are still a 4xx.
        const big = await setup({ bodyLimit: 4 * 1024 * 1024 });
        for (const raw of [`{"email":${arrays(400_000)},"password":"x"}`, arrays(400_000), `{"email":"ada@example.com","password":${objects(150_000)}}`]) {
          const response = await big.call('POST', '/auth/login', { raw });
          expect.soft(response.status, `${raw.slice(0, 20)}… (${raw.length} bytes)`).toBeGreaterThanOrEqual(400);
          expect.soft(response.status, `${raw.slice(0, 20)}… (${raw.length} bytes)`).toBeLessThan(500);
        }
        expect(big.errors).toEqual([]);
      });

      it('handles NUL bytes: refused in addresses (422) and new passwords (422), never truncating a password at login (401)', async () => {
        const t = await setup();
        await t.register();
        const email = await t.call('POST', '/auth/register', { body: { email: 'eve\u0000@example.com', password: PASSWORD } });
        expect(email.status).toBe(422);
        expect((await json(email)).error.fields[0]).toMatchObject({ field: 'email', code: 'invalid_email' });
        const password = await t.call('POST', '/auth/register', { body: { email: 'eve@example.com', password: `${PASSWORD}\u0000` } });
        expect(password.status).toBe(422);
        expect((await json(password)).error.code).toBe('WEAK_PASSWORD');
        // A C-style comparison would stop at the NUL and let the suffix through.
        const truncated = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: `${PASSWORD}\u0000anything` } });
        expect(truncated.status).toBe(401);
        const key = await t.call('POST', '/auth/login', { body: { 'email\u0000': 'ada@example.com', password: PASSWORD } });
        expect(key.status).toBe(422);
        const link = await t.call('GET', '/auth/verify-email/%00');
        expect(link.status).toBeGreaterThanOrEqual(400);
        expect(link.status).toBeLessThan(500);
        const resetToken = await t.call('POST', '/auth/password/reset/confirm', { body: { token: '\u0000', password: 'Another-Horse-42' } });
        expect(resetToken.status).toBe(401);
      });

      it('treats a full-width ＠ and full-width letters as the same address (NFKC) and refuses Cyrillic look-alikes with 422', async () => {
        const t = await setup();
        await t.register('ada@example.com');
        for (const lookalike of ['ada＠example.com', 'ＡＤＡ@example.com', 'ada@ｅｘａｍｐｌｅ.com']) {
          const again = await t.call('POST', '/auth/register', { body: { email: lookalike, password: PASSWORD } });
          expect(again.status, lookalike).toBe(409);
          const login = await t.call('POST', '/auth/login', { body: { email: lookalike, password: PASSWORD } });
          expect(login.status, lookalike).toBe(200);
          expect((await json(login)).data.user.email, lookalike).toBe('ada@example.com');
        }
        // U+0430 CYRILLIC SMALL LETTER A, U+0435 CYRILLIC SMALL LETTER IE, U+043E CYRILLIC SMALL LETTER O
        for (const spoof of ['\u0430da@example.com', 'ada@ex\u0430mple.com', 'ad\u0430@\u0435xample.com', 'ada@example.c\u043em']) {
          for (const path of ['/auth/register', '/auth/login', '/auth/password/reset', '/auth/resend-verification']) {
            const response = await t.call('POST', path, { body: { email: spoof, password: PASSWORD } });
            expect(response.status, `${path} ${spoof}`).toBe(422);
            expect((await json(response)).error.fields[0], `${path} ${spoof}`).toMatchObject({ field: 'email', code: 'invalid_email' });
          }
        }
      });

      it('builds every emailed link from appUrl: Host, X-Forwarded-Host, Forwarded and Origin headers cannot redirect them', async () => {
        const poison = {
          host: 'evil.example',
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'http',
          'x-forwarded-server': 'evil.example',
          forwarded: 'host=evil.example;proto=http',
          'x-original-url': 'https://evil.example/reset',
          origin: 'https://evil.example',
          referer: 'https://evil.example/',
        };
        // Even with the proxy trusted (its X-Forwarded-For believed), hosts are never taken from headers.
        const t = await setup({ trustProxy: ['127.0.0.1'] }, { emailVerification: { requiredForLogin: true, method: 'both' } });
        const send = (method: string, path: string, init: CallInit = {}) => t.call(method, path, { ...init, headers: { ...poison, ...init.headers } });
        expect((await send('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(201);
        expect((await send('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(201);
        expect((await send('POST', '/auth/resend-verification', { body: { email: 'ada@example.com' } })).status).toBe(200);
        expect((await send('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } })).status).toBe(200);
        const reset = await mailedToken(t, 'ada@example.com');
        expect((await send('POST', '/auth/password/reset/confirm', { body: { token: reset, password: 'Another-Horse-42' } })).status).toBe(200);
        const login = await json(await send('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Another-Horse-42' } }));
        const accessToken = login.data.tokens.accessToken as string;
        expect((await send('POST', '/auth/password/change', { token: accessToken, body: { currentPassword: 'Another-Horse-42', newPassword: 'Third-Horse-77' } })).status).toBe(200);
        expect((await send('POST', '/auth/change-email', { token: accessToken, body: { password: 'Third-Horse-77', newEmail: 'ada@lovelace.example' } })).status).toBe(200);
        await settle(t);

        // verification (link and code), existing-account notice, resend, reset, reset notice, change notice, change-email link and notice
        expect(t.mailer.messages.length).toBeGreaterThanOrEqual(7);
        for (const message of t.mailer.messages) {
          const text = `${message.text}\n${message.html}`;
          expect(text, message.subject).not.toMatch(/evil/i);
          const urls = urlsIn(text);
          for (const url of urls) expect(new URL(url).origin, `${message.subject}: ${url}`).toBe(APP_URL);
        }
        const linked = t.mailer.messages.filter((message) => urlsIn(message.text).length > 0);
        expect(linked.length).toBeGreaterThanOrEqual(5);
      });

      it('refuses open redirects on the emailed-link routes: //evil, /\\evil, javascript:, absolute and encoded URLs fall back to the configured page', async () => {
        const t = await setup({ linkRedirect: { success: '/welcome', failure: '/verify-failed' } }, { rateLimits: { perIp: { limit: 1000, window: '1m' } } });
        const { accessToken } = await t.login();
        const token = await mailedToken(t, 'ada@example.com');
        // The parameter is honoured when it is safe (so the refusals below are not vacuous).
        const safe = await t.call('GET', `/auth/verify-email/${encodeURIComponent(token)}?redirect=${encodeURIComponent('/dashboard?tab=1')}`);
        expect(safe.status).toBe(303);
        expect(safe.headers.get('location')).toBe(`${APP_URL}/dashboard?tab=1`);

        const vectors = [
          '//evil.com',
          '//evil.com/%2F..',
          '/\\evil.com',
          '\\/evil.com',
          '\\\\evil.com',
          '/\t/evil.com',
          ' //evil.com',
          'javascript:alert(document.domain)',
          'JaVaScRiPt:alert(1)',
          'java\nscript:alert(1)',
          'data:text/html,<script>alert(1)</script>',
          'https://evil.com',
          'http://app.example.com/',
          'https://app.example.com@evil.com/',
          'https://app.example.com.evil.com/',
          'https://evil.com#https://app.example.com',
        ];
        // What the browser sends in the query string: the vectors encoded once, and some raw spellings.
        const queries = [
          ...vectors.map((vector) => `redirect=${encodeURIComponent(vector)}`),
          'redirect=//evil.com',
          'redirect=%2F%2Fevil.com',
          'redirect=%2f%2fevil.com',
          'redirect=/%5Cevil.com',
          'redirect=%5C%5Cevil.com',
          'redirect=https:%2F%2Fevil.com',
          'redirect=//evil.com&redirect=/welcome',
        ];
        const routes = {
          verify: { path: `/auth/verify-email/${encodeURIComponent(token)}`, location: `${APP_URL}/welcome` },
          'verify, bad token': { path: '/auth/verify-email/not-a-token', location: `${APP_URL}/verify-failed?error=TOKEN_INVALID` },
          'email change, bad token': { path: '/auth/confirm-email-change/not-a-token', location: `${APP_URL}/verify-failed?error=TOKEN_INVALID` },
        };
        for (const [label, route] of Object.entries(routes)) {
          for (const query of queries) {
            const response = await t.call('GET', `${route.path}?${query}`);
            expect(response.status, `${label}: ${query}`).toBe(303);
            expect(response.headers.get('location'), `${label}: ${query}`).toBe(route.location);
          }
          // These are relative references under the WHATWG URL rules (a path on the app, e.g.
          // https://app.example.com/evil.com): they may be followed, but only on the app's own origin.
          for (const query of ['redirect=%252F%252Fevil.com', `redirect=${encodeURIComponent('https:evil.com')}`, `redirect=${encodeURIComponent('https:/evil.com')}`]) {
            const response = await t.call('GET', `${route.path}?${query}`);
            expect(response.status, `${label}: ${query}`).toBe(303);
            const location = response.headers.get('location') ?? '';
            expect(new URL(location).origin, `${label}: ${query}`).toBe(APP_URL);
            expect(location, `${label}: ${query}`).toMatch(/^https:\/\/app\.example\.com\//);
          }
        }
        // A real email-change link too.
        await t.call('POST', '/auth/change-email', { token: accessToken, body: { password: PASSWORD, newEmail: 'ada@lovelace.example' } });
        const change = await mailedToken(t, 'ada@lovelace.example');
        const changed = await t.call('GET', `/auth/confirm-email-change/${encodeURIComponent(change)}?redirect=${encodeURIComponent('//evil.com')}`);
        expect(changed.status).toBe(303);
        expect(changed.headers.get('location')).toBe(`${APP_URL}/welcome`);
      });

      it('makes mass assignment impossible: role, emailVerified, status, passwordHash, id and timestamps sent to register, PATCH or PUT /profile are never applied', async () => {
        const planted = await argon2Hasher({ memoryCost: 1024, timeCost: 1 }).hash('Attacker-Pass-1');
        const camel = {
          id: 'attacker-chosen-id',
          role: 'admin',
          emailVerified: true,
          emailVerifiedAt: '2020-01-01T00:00:00.000Z',
          status: 'active',
          passwordHash: planted,
          password: 'Attacker-Pass-1',
          createdAt: '2000-01-01T00:00:00.000Z',
          updatedAt: '2000-01-01T00:00:00.000Z',
          lastLoginAt: '2000-01-01T00:00:00.000Z',
          profile: { role: 'admin', emailVerified: true },
        };
        const snake = {
          id: 'attacker-chosen-id',
          role: 'admin',
          email_verified: true,
          email_verified_at: '2020-01-01T00:00:00.000Z',
          status: 'active',
          password_hash: planted,
          created_at: '2000-01-01T00:00:00.000Z',
          updated_at: '2000-01-01T00:00:00.000Z',
          last_login_at: '2000-01-01T00:00:00.000Z',
          profile: { role: 'admin', email_verified: true },
        };
        const untouched = { role: 'user', emailVerified: false, emailVerifiedAt: null, status: 'pending', email: 'ada@example.com', createdAt: new Date(START).toISOString() };
        const check = async (t: Harness, label: string, casing: 'camel' | 'snake' = 'camel'): Promise<void> => {
          const read = (body: Json): Json => {
            const user = body.data.user as Json;
            return casing === 'camel' ? user : { ...user, emailVerified: user.email_verified, emailVerifiedAt: user.email_verified_at, createdAt: user.created_at };
          };
          const hostile = casing === 'camel' ? camel : snake;
          const register = await t.call('POST', '/auth/register', { body: { ...hostile, email: 'ada@example.com', password: PASSWORD, [casing === 'camel' ? 'firstName' : 'first_name']: 'Ada' } });
          expect(register.status, label).toBe(201);
          const registered = read(await json(register));
          expect(registered, label).toMatchObject(untouched);
          expect(registered.id, label).not.toBe(hostile.id);
          expect(registered, label).not.toHaveProperty('passwordHash');
          expect(registered, label).not.toHaveProperty(casing === 'camel' ? 'password' : 'password_hash');
          // The planted hash was not stored: its password does not log in, the real one does.
          expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Attacker-Pass-1' } })).status, label).toBe(401);
          const login = await json(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
          const tokens = login.data.tokens as Json;
          const accessToken = (tokens.accessToken ?? tokens.access_token) as string;
          expect(payloadOf(accessToken).role, label).toBe('user');
          for (const method of ['PATCH', 'PUT']) {
            const response = await t.call(method, '/auth/profile', { token: accessToken, body: { ...hostile, email: 'eve@example.com', [casing === 'camel' ? 'lastName' : 'last_name']: 'Lovelace' } });
            expect(response.status, `${label} ${method}`).toBe(200);
            const updated = read(await json(response));
            expect(updated, `${label} ${method}`).toMatchObject({ ...untouched, id: registered.id });
          }
          const profile = read(await json(await t.call('GET', '/auth/profile', { token: accessToken })));
          expect(profile, label).toMatchObject({ ...untouched, id: registered.id });
          expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Attacker-Pass-1' } })).status, label).toBe(401);
          const stored = await t.auth.context.store.findUserByEmail('ada@example.com');
          expect(stored, label).toMatchObject({ id: registered.id, role: 'user', status: 'pending', emailVerifiedAt: null });
          expect(stored?.passwordHash, label).not.toBe(planted);
        };
        await check(await setup(), 'camelCase');
        await check(await setup({ casing: 'snake' }), 'snake_case', 'snake');
        // An app whose profile schema lets unknown keys through still cannot reach account fields.
        await check(await setup({}, { profile: z.looseObject({ firstName: z.string().optional(), lastName: z.string().optional() }) }), 'loose profile schema');
      });
    });
  });
}
