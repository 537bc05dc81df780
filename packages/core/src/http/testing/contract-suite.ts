import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../config.js';
import type { Auth } from '../../create-auth.js';
import { memoryStore } from '../../memory/memory-store.js';
import type { Store } from '../../ports/store.js';
import type { HttpOptions } from '../options.js';
import { APP_URL, PASSWORD, START, mailedCode, mailedToken, mountSuiteApp, type SuiteApp } from './suite-app.js';

/** What a mounted app gives the suite: a `fetch` for paths on it, and a way to stop it. */
export interface MountedApp {
  /** Sends a request to the app; `path` starts with `/`, e.g. `/auth/login`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Frees what the mount holds (a listening server); called after each test. */
  close?(): Promise<void> | void;
}

/**
 * Mounts Gatehouse in a fresh app of the adapter's framework: the routes under `/auth` with
 * `options`, and `GET /protected` behind the adapter's `requireAuth(auth, options)` answering
 * `{ userId, sessionId }` from the identity. Requests must reach the app from the loopback
 * address 127.0.0.1 (the suite checks client-address resolution against it).
 */
export type ContractMount = (auth: Auth, options: HttpOptions) => MountedApp | Promise<MountedApp>;

/** Options of {@link runHttpContract}. */
export interface HttpContractOptions {
  /** Name of the adapter, shown in the test names. */
  name: string;
  mount: ContractMount;
}


interface Harness extends SuiteApp {
  /** Registers (verification not required by default) and logs in; returns the tokens. */
  login(email?: string): Promise<{ accessToken: string; refreshToken: string }>;
}

async function body(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/**
 * The HTTP contract, written once and run over every adapter: every route, every error
 * status, trailing slashes, the body cap, `requireAuth`, client-address resolution, rate limits
 * (429, `Retry-After`, `RateLimit-*` headers) and the refresh-token cookie. Call it inside a test file; it declares its own `describe` block.
 *
 * @example
 * ```ts
 * import { runHttpContract } from '@gatehouse/core/http/testing';
 * runHttpContract({ name: 'my-framework', mount: (auth, options) => ({ fetch: myApp(auth, options).fetch }) });
 * ```
 */
export function runHttpContract({ name, mount }: HttpContractOptions): void {
  async function setup(options: HttpOptions = {}, config: Partial<AuthConfig> = {}): Promise<Harness> {
    const { auth, clock, mailer, errors, call } = await mountSuiteApp(mount, options, config);
    const login: Harness['login'] = async (email = 'ada@example.com') => {
      const registered = await call('POST', '/auth/register', { body: { email, password: PASSWORD } });
      expect(registered.status).toBe(201);
      const response = await call('POST', '/auth/login', { body: { email, password: PASSWORD } });
      expect(response.status).toBe(200);
      return (await body(response)).data.tokens;
    };
    return { auth, clock, mailer, errors, call, login };
  }

  describe(`HTTP contract: ${name}`, () => {
    describe('account routes', () => {
      it('POST /register answers 201 with the user (profile fields at the top level), and tokens when verification is not required', async () => {
        const t = await setup();
        const response = await t.call('POST', '/auth/register', { body: { email: 'Ada@Example.com', password: PASSWORD, firstName: 'Ada', role: 'admin', emailVerified: true } });
        expect(response.status).toBe(201);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.headers.get('cache-control')).toBe('no-store');
        const { data } = await body(response);
        expect(data.user).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', role: 'user', emailVerified: false, status: 'pending' });
        expect(data.user.createdAt).toBe(new Date(START).toISOString());
        expect(data.user).not.toHaveProperty('passwordHash');
        expect(data.user).not.toHaveProperty('profile');
        expect(data.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
        expect(typeof data.tokens.accessToken).toBe('string');
        expect(typeof data.tokens.refreshToken).toBe('string');
      });

      it('POST /register hands out no tokens when verification is required, and answers an existing address the same way', async () => {
        const t = await setup({}, { emailVerification: { requiredForLogin: true } });
        const first = await body(await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } }));
        const again = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(again.status).toBe(201);
        const second = await body(again);
        expect(first.data.tokens).toBeNull();
        expect(second.data.tokens).toBeNull();
        expect(Object.keys(second.data.user).sort()).toEqual(Object.keys(first.data.user).sort());
        expect(second.data.verificationRequired).toBe(true);
      });

      it('POST /login answers the user and the four token fields; a wrong password is 401 with no hint', async () => {
        const t = await setup();
        await t.login();
        const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        const { data } = await body(response);
        expect(Object.keys(data.tokens).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
        expect(data.user.lastLoginAt).toBe(new Date(START).toISOString());
        const wrong = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Password-1' } });
        const unknown = await t.call('POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'Wrong-Password-1' } });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(await body(wrong)).toEqual(await body(unknown));
        expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
      });

      it('POST /token/refresh rotates the refresh token; the old one is refused after the grace window', async () => {
        const t = await setup();
        const tokens = await t.login();
        const response = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: tokens.refreshToken } });
        expect(response.status).toBe(200);
        const { data } = await body(response);
        expect(data.tokens.refreshToken).not.toBe(tokens.refreshToken);
        expect(data).not.toHaveProperty('user');
        t.clock.advance(60_000);
        const reused = await t.call('POST', '/auth/token/refresh', { body: { refreshToken: tokens.refreshToken } });
        expect(reused.status).toBe(401);
        expect((await body(reused)).error.code).toBe('REFRESH_TOKEN_REUSED');
      });

      it('POST /logout ends the session: its access token stops working', async () => {
        const t = await setup();
        const tokens = await t.login();
        expect((await t.call('GET', '/protected', { token: tokens.accessToken })).status).toBe(200);
        const response = await t.call('POST', '/auth/logout', { token: tokens.accessToken });
        expect(response.status).toBe(200);
        expect((await body(response)).data).toEqual({ message: expect.any(String) });
        expect((await t.call('GET', '/protected', { token: tokens.accessToken })).status).toBe(401);
        expect((await t.call('POST', '/auth/logout')).status).toBe(401);
      });

      it('POST /logout/all ends every session of the user', async () => {
        const t = await setup();
        const first = await t.login();
        const second = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
        const response = await t.call('POST', '/auth/logout/all', { token: first.accessToken });
        expect(response.status).toBe(200);
        // register, login and login: three sessions.
        expect((await body(response)).data).toEqual({ count: 3 });
        expect((await t.call('GET', '/protected', { token: second.data.tokens.accessToken })).status).toBe(401);
      });

      it('GET, PATCH and PUT /profile read and change profile fields; account fields in the body are never applied', async () => {
        const t = await setup();
        const { accessToken } = await t.login();
        const read = await body(await t.call('GET', '/auth/profile', { token: accessToken }));
        expect(read.data.user.email).toBe('ada@example.com');
        const patched = await t.call('PATCH', '/auth/profile', { token: accessToken, body: { firstName: 'Ada', role: 'admin', email: 'evil@example.com', status: 'active', emailVerified: true } });
        expect(patched.status).toBe(200);
        expect((await body(patched)).data.user).toMatchObject({ firstName: 'Ada', role: 'user', email: 'ada@example.com', status: 'pending', emailVerified: false });
        const put = await t.call('PUT', '/auth/profile', { token: accessToken, body: { lastName: 'Lovelace' } });
        expect((await body(put)).data.user).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
        const invalid = await t.call('PATCH', '/auth/profile', { token: accessToken, body: { firstName: 'x'.repeat(101) } });
        expect(invalid.status).toBe(422);
        expect((await body(invalid)).error.fields).toEqual([expect.objectContaining({ field: 'firstName', code: 'too_long' })]);
        expect((await t.call('GET', '/auth/profile')).status).toBe(401);
      });

      it('GET /sessions lists the live sessions; DELETE /sessions/:id ends one, and a stranger’s id is 404', async () => {
        const t = await setup();
        const first = await t.login();
        const other = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
        const list = await body(await t.call('GET', '/auth/sessions', { token: first.accessToken }));
        // register, login and login: three sessions.
        expect(list.data.sessions).toHaveLength(3);
        const current = list.data.sessions.find((session: { current: boolean }) => session.current);
        const fromOther = await body(await t.call('GET', '/auth/sessions', { token: other.data.tokens.accessToken }));
        const otherSession = fromOther.data.sessions.find((session: { current: boolean }) => session.current);
        expect(otherSession.id).not.toBe(current.id);
        expect(Object.keys(current).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent']);
        const ended = await t.call('DELETE', `/auth/sessions/${otherSession.id}`, { token: first.accessToken });
        expect(ended.status).toBe(200);
        expect((await t.call('GET', '/protected', { token: other.data.tokens.accessToken })).status).toBe(401);
        const stranger = await t.login('eve@example.com');
        expect((await t.call('DELETE', `/auth/sessions/${current.id}`, { token: stranger.accessToken })).status).toBe(404);
      });
    });

    describe('email routes', () => {
      it('POST /verify-email with the emailed token verifies the address', async () => {
        const t = await setup({}, { emailVerification: { requiredForLogin: true } });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const unverified = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(unverified.status).toBe(403);
        expect((await body(unverified)).error.code).toBe('EMAIL_NOT_VERIFIED');
        const token = await mailedToken(t, 'ada@example.com');
        const response = await t.call('POST', '/auth/verify-email', { body: { token } });
        expect(response.status).toBe(200);
        expect((await body(response)).data).toMatchObject({ user: { emailVerified: true, status: 'active' }, tokens: null });
        expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(200);
        const bad = await t.call('POST', '/auth/verify-email', { body: { token: 'not-a-token' } });
        expect(bad.status).toBe(401);
        expect((await body(bad)).error.code).toBe('TOKEN_INVALID');
      });

      it('POST /verify-email with the email and code, or with the code and a bearer token', async () => {
        const t = await setup({}, { emailVerification: { method: 'code', requiredForLogin: false } });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const code = await mailedCode(t, 'ada@example.com');
        const response = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code } });
        expect(response.status).toBe(200);
        expect((await body(response)).data.user.emailVerified).toBe(true);

        const registered = await body(await t.call('POST', '/auth/register', { body: { email: 'bob@example.com', password: PASSWORD } }));
        const bobCode = await mailedCode(t, 'bob@example.com');
        const withBearer = await t.call('POST', '/auth/verify-email', { body: { code: bobCode }, token: registered.data.tokens.accessToken });
        expect(withBearer.status).toBe(200);
        expect((await body(withBearer)).data.user).toMatchObject({ email: 'bob@example.com', emailVerified: true });
      });

      it('GET /verify-email/:token answers JSON by default', async () => {
        const t = await setup();
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const token = await mailedToken(t, 'ada@example.com');
        const response = await t.call('GET', `/auth/verify-email/${encodeURIComponent(token)}`);
        expect(response.status).toBe(200);
        expect((await body(response)).data.user.emailVerified).toBe(true);
      });

      it('GET /verify-email/:token redirects to the configured URL, and never to another origin', async () => {
        const t = await setup({ linkRedirect: { success: '/welcome', failure: '/verify-failed' } });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const token = await mailedToken(t, 'ada@example.com');
        const ok = await t.call('GET', `/auth/verify-email/${encodeURIComponent(token)}?redirect=${encodeURIComponent('//evil.example/steal')}`, {});
        expect(ok.status).toBe(303);
        expect(ok.headers.get('location')).toBe('https://app.example.com/welcome');
        for (const target of ['/\\evil.example', 'javascript:alert(1)', 'https://evil.example/', '/\t/evil.example']) {
          const failed = await t.call('GET', `/auth/verify-email/nope?redirect=${encodeURIComponent(target)}`);
          expect(failed.status).toBe(303);
          expect(failed.headers.get('location')).toBe('https://app.example.com/verify-failed?error=TOKEN_INVALID');
        }
        const allowed = await t.call('GET', `/auth/verify-email/nope?redirect=${encodeURIComponent('/try-again')}`);
        expect(allowed.headers.get('location')).toBe('https://app.example.com/try-again?error=TOKEN_INVALID');
      });

      it('POST /resend-verification and POST /password/reset answer the same for unknown addresses', async () => {
        const t = await setup();
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        for (const path of ['/auth/resend-verification', '/auth/password/reset']) {
          const known = await t.call('POST', path, { body: { email: 'ada@example.com' } });
          const unknown = await t.call('POST', path, { body: { email: 'nobody@example.com' } });
          expect(known.status).toBe(200);
          expect(unknown.status).toBe(200);
          expect(await body(known)).toEqual(await body(unknown));
          const invalid = await t.call('POST', path, { body: { email: 'not-an-email' } });
          expect(invalid.status).toBe(422);
          expect((await body(invalid)).error.fields[0]).toMatchObject({ field: 'email', code: 'invalid_email' });
        }
      });

      it('POST /password/reset/confirm sets the password and ends every session', async () => {
        const t = await setup();
        const tokens = await t.login();
        await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
        const token = await mailedToken(t, 'ada@example.com');
        const weak = await t.call('POST', '/auth/password/reset/confirm', { body: { token, password: 'short' } });
        expect(weak.status).toBe(422);
        expect((await body(weak)).error).toMatchObject({ code: 'WEAK_PASSWORD', fields: expect.arrayContaining([expect.objectContaining({ field: 'password', code: 'too_short' })]) });
        const response = await t.call('POST', '/auth/password/reset/confirm', { body: { token, password: 'Another-Horse-42' } });
        expect(response.status).toBe(200);
        expect((await t.call('GET', '/protected', { token: tokens.accessToken })).status).toBe(401);
        expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Another-Horse-42' } })).status).toBe(200);
      });

      it('POST /password/change needs the current password and ends the other sessions', async () => {
        const t = await setup();
        const mine = await t.login();
        const other = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
        const wrong = await t.call('POST', '/auth/password/change', { token: mine.accessToken, body: { currentPassword: 'Wrong-Horse-1', newPassword: 'Another-Horse-42' } });
        expect(wrong.status).toBe(401);
        const response = await t.call('POST', '/auth/password/change', { token: mine.accessToken, body: { currentPassword: PASSWORD, newPassword: 'Another-Horse-42' } });
        expect(response.status).toBe(200);
        expect((await t.call('GET', '/protected', { token: mine.accessToken })).status).toBe(200);
        expect((await t.call('GET', '/protected', { token: other.data.tokens.accessToken })).status).toBe(401);
      });

      it('POST /change-email and POST /confirm-email-change move the account to the new address', async () => {
        const t = await setup();
        const { accessToken } = await t.login();
        const requested = await t.call('POST', '/auth/change-email', { token: accessToken, body: { password: PASSWORD, newEmail: 'ada@lovelace.example' } });
        expect(requested.status).toBe(200);
        const token = await mailedToken(t, 'ada@lovelace.example');
        const confirmed = await t.call('POST', '/auth/confirm-email-change', { body: { token } });
        expect(confirmed.status).toBe(200);
        expect((await body(confirmed)).data.user).toMatchObject({ email: 'ada@lovelace.example', emailVerified: true });
      });
    });

    describe('public documents', () => {
      it('GET /.well-known/jwks.json is 404 with an HS256 secret and serves the public keys with a key set', async () => {
        const hs = await setup();
        expect((await hs.call('GET', '/auth/.well-known/jwks.json')).status).toBe(404);
        const { privateKey } = generateKeyPairSync('ed25519');
        const t = await setup({}, { secret: undefined, keys: [{ kid: 'k1', privateKey }] });
        const response = await t.call('GET', '/auth/.well-known/jwks.json');
        expect(response.status).toBe(200);
        const jwks = await body(response);
        expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'k1', kty: 'OKP', crv: 'Ed25519' })]);
        expect(jwks.keys[0]).not.toHaveProperty('d');
      });

      it('GET /openapi.json describes every route, at the paths served', async () => {
        const t = await setup({ paths: { getProfile: '/me' } });
        const response = await t.call('GET', '/auth/openapi.json');
        expect(response.status).toBe(200);
        const document = await body(response);
        expect(document.openapi).toBe('3.1.0');
        expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/register', '/login', '/token/refresh', '/me', '/profile', '/sessions/{id}', '/verify-email/{token}']));
        expect(document.paths['/me'].get.operationId).toBe('getProfile');
      });
    });

    describe('errors', () => {
      it('a validation failure is 422 with fields [{ field, code, message }]', async () => {
        const t = await setup();
        const response = await t.call('POST', '/auth/register', { body: { email: 'nope', password: PASSWORD } });
        expect(response.status).toBe(422);
        expect(await body(response)).toEqual({
          error: { code: 'VALIDATION_FAILED', message: expect.any(String), fields: [{ field: 'email', code: 'invalid_email', message: expect.any(String) }] },
        });
        const missing = await body(await t.call('POST', '/auth/login', { body: {} }));
        expect(missing.error.fields.map((issue: { field: string; code: string }) => [issue.field, issue.code])).toEqual([['email', 'required'], ['password', 'required']]);
        const notObject = await t.call('POST', '/auth/login', { raw: '[1,2]' });
        expect(notObject.status).toBe(422);
      });

      it('a weak password is 422 WEAK_PASSWORD with the broken rules', async () => {
        const t = await setup();
        const response = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: 'password' } });
        expect(response.status).toBe(422);
        const { error } = await body(response);
        expect(error.code).toBe('WEAK_PASSWORD');
        expect(error.fields.length).toBeGreaterThan(0);
        expect(error.fields.every((issue: { field: string }) => issue.field === 'password')).toBe(true);
      });

      it('malformed JSON is 400, and a body that is not JSON is 415', async () => {
        const t = await setup();
        const malformed = await t.call('POST', '/auth/login', { raw: '{"email": ' });
        expect(malformed.status).toBe(400);
        expect((await body(malformed)).error.code).toBe('MALFORMED_BODY');
        const poisoned = await t.call('POST', '/auth/login', { raw: '{"__proto__": {"admin": true}}' });
        expect(poisoned.status).toBe(400);
        const form = await t.call('POST', '/auth/login', { raw: 'email=a%40b.c', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(form.status).toBe(415);
        expect((await body(form)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      });

      it('a body over the cap is 413 (default 16 KiB, configurable)', async () => {
        const t = await setup();
        const big = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(17 * 1024) } });
        expect(big.status).toBe(413);
        expect((await body(big)).error.code).toBe('PAYLOAD_TOO_LARGE');
        const small = await setup({ bodyLimit: 2048 });
        expect((await small.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(3000) } })).status).toBe(413);
        expect((await small.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'x'.repeat(1000) } })).status).toBe(401);
      });

      it('an unknown route under the prefix is 404; a wrong method is 405 with Allow', async () => {
        const t = await setup();
        const missing = await t.call('GET', '/auth/nope');
        expect(missing.status).toBe(404);
        expect((await body(missing)).error.code).toBe('NOT_FOUND');
        const wrong = await t.call('GET', '/auth/login');
        expect(wrong.status).toBe(405);
        expect(wrong.headers.get('allow')).toContain('POST');
        expect((await body(wrong)).error.code).toBe('METHOD_NOT_ALLOWED');
        const profile = await t.call('DELETE', '/auth/profile');
        expect(profile.status).toBe(405);
        expect(profile.headers.get('allow')?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'PATCH', 'PUT']));
      });

      it('EMAIL_TAKEN is 409 when verification is not required', async () => {
        const t = await setup();
        await t.login();
        const again = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(again.status).toBe(409);
        expect((await body(again)).error.code).toBe('EMAIL_TAKEN');
      });

      it('RATE_LIMITED is 429 with Retry-After and error.retryAfter', async () => {
        const t = await setup();
        await t.login();
        let response: Response | undefined;
        for (let attempt = 0; attempt < 6; attempt++) {
          response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-Horse-1' } });
        }
        expect(response?.status).toBe(429);
        const retryAfter = Number(response?.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect((await body(response as Response)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
      });

      it('a failing port is 503 with a generic message; the cause goes to the logger only', async () => {
        const failing = memoryStore();
        const store: Store = Object.assign(Object.create(failing) as Store, {
          findUserByEmail: async () => {
            throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
          },
        });
        const t = await setup({}, { store });
        const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(response.status).toBe(503);
        const text = await response.text();
        expect(text).not.toMatch(/ECONNREFUSED|hunter2|at /);
        expect(JSON.parse(text).error.code).toBe('SERVICE_UNAVAILABLE');
        expect(String(t.errors[0])).toMatch(/ECONNREFUSED/);
      });

      it('an unexpected error is 500 with a generic message; the cause goes to the logger only', async () => {
        const t = await setup({
          routes: {
            login: {
              response: () => {
                throw new Error('mapper exploded with secret 1234');
              },
            },
          },
        });
        await t.login().catch(() => undefined);
        const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(response.status).toBe(500);
        const text = await response.text();
        expect(text).not.toMatch(/exploded|1234|at /);
        expect(JSON.parse(text).error).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String) });
        expect(t.errors.some((error) => String(error).includes('mapper exploded'))).toBe(true);
      });
    });

    describe('paths and options', () => {
      it('tolerates trailing slashes', async () => {
        const t = await setup();
        const registered = await t.call('POST', '/auth/register/', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(registered.status).toBe(201);
        const login = await t.call('POST', '/auth/login/', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(login.status).toBe(200);
        const { data } = await body(login);
        expect((await t.call('GET', '/auth/profile/', { token: data.tokens.accessToken })).status).toBe(200);
      });

      it('applies paths, casing and field aliases', async () => {
        const t = await setup({ casing: 'snake', paths: { getProfile: '/me', refresh: '/refresh' }, routes: { refresh: { fields: { refreshToken: 'refresh' } } } });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD, first_name: 'Ada' } });
        const login = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
        expect(login.data.tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
        const me = await body(await t.call('GET', '/auth/me', { token: login.data.tokens.access_token }));
        expect(me.data.user).toMatchObject({ first_name: 'Ada', email_verified: false });
        expect((await t.call('GET', '/auth/profile', { token: login.data.tokens.access_token })).status).toBe(405);
        const refreshed = await t.call('POST', '/auth/refresh', { body: { refresh: login.data.tokens.refresh_token } });
        expect(refreshed.status).toBe(200);
        const missing = await body(await t.call('POST', '/auth/refresh', { body: {} }));
        expect(missing.error.fields[0].field).toBe('refresh');
      });

      it('requires the configured headers', async () => {
        const t = await setup({ requiredHeaders: { 'api-token': 'app-token-1', channel: ['web', 'ios'] } });
        const missing = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(missing.status).toBe(400);
        expect((await body(missing)).error.fields.map((issue: { field: string }) => issue.field)).toEqual(['api-token', 'channel']);
        const ok = await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: { 'Api-Token': 'app-token-1', channel: 'web' } });
        expect(ok.status).toBe(201);
        expect((await t.call('GET', '/auth/openapi.json')).status).toBe(200);
      });
    });

    describe('requireAuth', () => {
      it('lets a valid access token through and exposes the identity', async () => {
        const t = await setup();
        const tokens = await t.login();
        const response = await t.call('GET', '/protected', { token: tokens.accessToken });
        expect(response.status).toBe(200);
        const identity = await body(response);
        const profile = await body(await t.call('GET', '/auth/profile', { token: tokens.accessToken }));
        expect(identity).toEqual({ userId: profile.data.user.id, sessionId: expect.any(String) });
      });

      it('answers 401 with WWW-Authenticate: Bearer when the token is missing, malformed, expired or revoked', async () => {
        const t = await setup();
        const tokens = await t.login();
        const missing = await t.call('GET', '/protected');
        expect(missing.status).toBe(401);
        expect(missing.headers.get('www-authenticate')).toBe('Bearer');
        expect((await body(missing)).error.code).toBe('UNAUTHENTICATED');
        const malformed = await t.call('GET', '/protected', { token: 'not a token' });
        expect(malformed.status).toBe(401);
        expect(malformed.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
        const garbage = await t.call('GET', '/protected', { token: 'abc.def.ghi' });
        expect(garbage.status).toBe(401);
        expect(garbage.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
        t.clock.advance(16 * 60_000);
        const expired = await t.call('GET', '/protected', { token: tokens.accessToken });
        expect(expired.status).toBe(401);
        expect((await body(expired)).error.code).toBe('TOKEN_EXPIRED');
        expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
        const fresh = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } }));
        await t.call('POST', '/auth/logout', { token: fresh.data.tokens.accessToken });
        const revoked = await t.call('GET', '/protected', { token: fresh.data.tokens.accessToken });
        expect(revoked.status).toBe(401);
        expect(revoked.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      });

      it('in stateless mode, answers a remembered token at once and still refuses it from its expiry on', async () => {
        const t = await setup({}, { session: { stateless: true } });
        const tokens = await t.login();
        // The first request verifies the token; the next ones take the remembered-token path.
        for (let i = 0; i < 3; i += 1) expect((await t.call('GET', '/protected', { token: tokens.accessToken })).status).toBe(200);
        const identity = await body(await t.call('GET', '/protected', { token: tokens.accessToken }));
        expect(identity).toEqual({ userId: expect.any(String), sessionId: expect.any(String) });
        t.clock.advance(15 * 60_000 - 1000);
        expect((await t.call('GET', '/protected', { token: tokens.accessToken })).status).toBe(200);
        t.clock.advance(1000);
        const expired = await t.call('GET', '/protected', { token: tokens.accessToken });
        expect(expired.status).toBe(401);
        expect((await body(expired)).error.code).toBe('TOKEN_EXPIRED');
        expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
        // A tampered copy of a remembered token is a different string: fully verified, refused.
        const tampered = `${tokens.accessToken.slice(0, -3)}${tokens.accessToken.endsWith('AAA') ? 'BBB' : 'AAA'}`;
        expect((await t.call('GET', '/protected', { token: tampered })).status).toBe(401);
      });
    });

    describe('client address', () => {
      async function sessionIp(t: Harness, headers: Record<string, string>): Promise<string> {
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const login = await body(await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers }));
        const list = await body(await t.call('GET', '/auth/sessions', { token: login.data.tokens.accessToken }));
        return list.data.sessions.find((session: { current: boolean }) => session.current).ip;
      }

      it('is the socket address by default, whatever X-Forwarded-For says', async () => {
        const t = await setup();
        expect(await sessionIp(t, { 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
      });

      it('is the right-most untrusted X-Forwarded-For hop behind trusted proxies', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] });
        expect(await sessionIp(t, { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 198.51.100.2' })).toBe('198.51.100.2');
        const chain = await setup({ trustProxy: ['127.0.0.0/8', '198.51.100.0/24'] });
        expect(await sessionIp(chain, { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 198.51.100.2' })).toBe('203.0.113.7');
      });
    });

    describe('rate limits', () => {
      // Three requests a minute per client address, so that a test reaches the limit quickly.
      const tight: Partial<AuthConfig> = { rateLimits: { perIp: { limit: 3, window: '1m' } } };
      const wrong = { email: 'ada@example.com', password: 'Wrong-Horse-1' };

      function limits(response: Response): { limit: number | null; remaining: number | null; reset: number | null } {
        const read = (name: string): number | null => {
          const value = response.headers.get(name);
          return value === null ? null : Number(value);
        };
        return { limit: read('ratelimit-limit'), remaining: read('ratelimit-remaining'), reset: read('ratelimit-reset') };
      }

      function forwarded(address: string): Record<string, string> {
        return { 'x-forwarded-for': address };
      }

      it('every auth route counts against one per-IP budget, reported in RateLimit-* headers; over it, 429 with Retry-After', async () => {
        const t = await setup({}, tight);
        const first = await t.call('GET', '/auth/profile');
        expect(first.status).toBe(401);
        expect(limits(first)).toEqual({ limit: 3, remaining: 2, reset: 60 });
        t.clock.advance(10_000);
        const second = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
        expect(second.status).toBe(200);
        expect(limits(second)).toEqual({ limit: 3, remaining: 1, reset: 50 });
        const third = await t.call('POST', '/auth/register/', { body: { email: 'not-an-email', password: PASSWORD } });
        expect(third.status).toBe(422);
        expect(limits(third)).toEqual({ limit: 3, remaining: 0, reset: 50 });

        const refused = await t.call('GET', '/auth/sessions');
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('50');
        expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 50 });
        expect(limits(refused)).toEqual({ limit: 3, remaining: 0, reset: 50 });
        expect((await t.call('POST', '/auth/login', { body: wrong })).status).toBe(429);

        // The standard documents are neither limited nor reported.
        const document = await t.call('GET', '/auth/openapi.json');
        expect(document.status).toBe(200);
        expect(limits(document)).toEqual({ limit: null, remaining: null, reset: null });

        t.clock.advance(50_000);
        const again = await t.call('GET', '/auth/profile');
        expect(again.status).toBe(401);
        expect(limits(again)).toEqual({ limit: 3, remaining: 2, reset: 60 });
      });

      it('POST /login reports the most restrictive of its rules (5 a minute per account and address); the 6th attempt is 429', async () => {
        const t = await setup();
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const ok = await t.call('POST', '/auth/login', { body: { email: 'Ada@Example.com', password: PASSWORD } });
        expect(ok.status).toBe(200);
        expect(limits(ok)).toEqual({ limit: 5, remaining: 4, reset: 60 });
        for (let attempt = 2; attempt <= 5; attempt++) {
          t.clock.advance(1_000);
          const failed = await t.call('POST', '/auth/login', { body: wrong });
          expect(failed.status).toBe(401);
          expect(limits(failed)).toEqual({ limit: 5, remaining: 5 - attempt, reset: 61 - attempt });
        }
        const refused = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('56');
        expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 56 });
        expect(limits(refused)).toEqual({ limit: 5, remaining: 0, reset: 56 });
        // Another account from the same address has a login budget of its own.
        const other = await t.call('POST', '/auth/login', { body: { email: 'bob@example.com', password: 'Wrong-Horse-1' } });
        expect(other.status).toBe(401);
        expect(limits(other)).toEqual({ limit: 5, remaining: 4, reset: 60 });
      });

      it('POST /login reports the per-IP rule when it is the tighter one', async () => {
        const t = await setup({}, tight);
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const response = await t.call('POST', '/auth/login', { body: wrong });
        expect(response.status).toBe(401);
        expect(limits(response)).toEqual({ limit: 3, remaining: 1, reset: 60 });
      });

      it('no spelling of the login path has a budget of its own', async () => {
        const t = await setup();
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        const accepted = ['/auth/login/', '/auth//login', '/auth/login?attempt=3', '/auth//login//?x=y', '/auth/login'];
        for (const [index, path] of accepted.entries()) {
          const response = await t.call('POST', path, { body: wrong });
          expect(response.status, path).toBe(401);
          expect(limits(response).remaining, path).toBe(4 - index);
        }
        for (const path of accepted) expect((await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } })).status, path).toBe(429);
        // Spellings the router does not take for the login route never reach the login flow.
        for (const path of ['/auth/LOGIN', '/auth/%6Cogin', '/auth/login%2F', '/auth/login.json']) {
          expect((await t.call('POST', path, { body: { email: 'ada@example.com', password: PASSWORD } })).status, path).toBe(404);
        }
      });

      it('a spoofed X-Forwarded-For changes no key without trustProxy', async () => {
        const t = await setup({}, tight);
        for (const [index, address] of ['203.0.113.1', '203.0.113.2', '198.51.100.7'].entries()) {
          const response = await t.call('GET', '/auth/profile', { headers: forwarded(address) });
          expect(limits(response).remaining).toBe(2 - index);
        }
        expect((await t.call('GET', '/auth/profile', { headers: forwarded('192.0.2.99') })).status).toBe(429);

        const login = await setup();
        await login.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        for (let attempt = 1; attempt <= 5; attempt++) {
          expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded(`203.0.113.${attempt}`) })).status).toBe(401);
        }
        expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.6') })).status).toBe(429);
      });

      it('behind a trusted proxy, each forwarded client address has budgets of its own', async () => {
        const t = await setup({ trustProxy: ['127.0.0.1'] }, tight);
        for (let attempt = 1; attempt <= 3; attempt++) expect((await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.1') })).status).toBe(401);
        expect((await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.1') })).status).toBe(429);
        const other = await t.call('GET', '/auth/profile', { headers: forwarded('203.0.113.2') });
        expect(other.status).toBe(401);
        expect(limits(other)).toEqual({ limit: 3, remaining: 2, reset: 60 });

        const login = await setup({ trustProxy: ['127.0.0.1'] });
        await login.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } });
        for (let attempt = 1; attempt <= 5; attempt++) expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.1') })).status).toBe(401);
        expect((await login.call('POST', '/auth/login', { body: wrong, headers: forwarded('203.0.113.1') })).status).toBe(429);
        const elsewhere = await login.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers: forwarded('203.0.113.2') });
        expect(elsewhere.status).toBe(200);
        expect(limits(elsewhere)).toEqual({ limit: 5, remaining: 4, reset: 60 });
      });

      it('a refusal by a per-address rule of a flow has Retry-After and no RateLimit-* headers of another rule', async () => {
        const t = await setup();
        for (let request = 1; request <= 3; request++) {
          const response = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
          expect(response.status).toBe(200);
          // Between refusals the headers describe the per-IP rule, the one the router counts.
          expect(limits(response)).toEqual({ limit: 100, remaining: 100 - request, reset: 60 });
        }
        const refused = await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } });
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('3600');
        expect((await body(refused)).error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 3600 });
        expect(limits(refused)).toEqual({ limit: null, remaining: null, reset: null });
      });
    });

    describe('refresh-token cookie', () => {
      const origin = { origin: APP_URL };

      it('puts the refresh token in a __Host- cookie, not in the body', async () => {
        const t = await setup({ refreshCookie: true });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: origin });
        const response = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers: origin });
        expect(response.status).toBe(200);
        const cookie = response.headers.getSetCookie().find((value) => value.startsWith('__Host-gatehouse-refresh='));
        expect(cookie).toBeDefined();
        expect(cookie).toMatch(/; Path=\//);
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/; SameSite=Strict/);
        expect(cookie).not.toMatch(/Domain=/i);
        expect((await body(response)).data.tokens).not.toHaveProperty('refreshToken');
      });

      it('refreshes from the cookie with a matching Origin, and refuses it without one', async () => {
        const t = await setup({ refreshCookie: true });
        await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: origin });
        const login = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD }, headers: origin });
        const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
        const withoutOrigin = await t.call('POST', '/auth/token/refresh', { headers: { cookie } });
        expect(withoutOrigin.status).toBe(403);
        expect((await body(withoutOrigin)).error.code).toBe('ORIGIN_NOT_ALLOWED');
        const otherOrigin = await t.call('POST', '/auth/token/refresh', { headers: { cookie, origin: 'https://evil.example' } });
        expect(otherOrigin.status).toBe(403);
        const refreshed = await t.call('POST', '/auth/token/refresh', { headers: { cookie, ...origin } });
        expect(refreshed.status).toBe(200);
        const next = refreshed.headers.getSetCookie()[0] ?? '';
        expect(next.split(';')[0]).not.toBe(cookie);
        const { data } = await body(refreshed);
        expect(typeof data.tokens.accessToken).toBe('string');
        expect(data.tokens).not.toHaveProperty('refreshToken');
        const logout = await t.call('POST', '/auth/logout', { token: data.tokens.accessToken, headers: { cookie: next.split(';')[0] ?? '', ...origin } });
        expect(logout.status).toBe(200);
        expect(logout.headers.getSetCookie()[0]).toMatch(/^__Host-gatehouse-refresh=; .*Max-Age=0/);
      });
    });
  });
}
