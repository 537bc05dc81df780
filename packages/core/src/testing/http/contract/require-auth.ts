// Internal to runHttpContract: the adapter's `requireAuth` on an app route.
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of the adapter's `requireAuth` for one adapter. */
export function requireAuthContract(setup: ContractSetup): void {
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
}
