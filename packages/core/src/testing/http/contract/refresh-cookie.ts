// Internal to runHttpContract: the refresh token in a `__Host-` cookie, guarded by Origin.
import { describe, expect, it } from 'vitest';
import { APP_URL, PASSWORD } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of the refresh-token cookie for one adapter. */
export function refreshCookieContract(setup: ContractSetup): void {
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
}
