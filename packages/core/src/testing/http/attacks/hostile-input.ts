// Internal to runHttpAttacks: oversized, deeply nested and NUL-laden bodies, look-alike
// addresses, poisoned Host headers, open redirects and mass assignment.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { argon2Hasher } from '../../../password/argon2-hasher.js';
import { APP_URL, PASSWORD, START, mailedToken, settle, urlsIn, type CallInit } from '../suite-app.js';
import { payloadOf } from './forge.js';
import { json, type AttackSetup, type Harness, type Json } from './harness.js';

/** Registers the hostile-input attacks for one adapter. */
export function hostileInputAttacks(setup: AttackSetup): void {
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
}
