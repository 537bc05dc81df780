// Internal to runHttpContract: the account routes (register, login, refresh, logout, profile,
// sessions).
import { describe, expect, it } from 'vitest';
import { PASSWORD, START } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of the account routes for one adapter. */
export function accountRoutesContract(setup: ContractSetup): void {
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
}
