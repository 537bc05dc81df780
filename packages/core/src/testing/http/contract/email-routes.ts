// Internal to runHttpContract: the routes of emailed links and codes (verification, password
// reset and change, email change).
import { describe, expect, it } from 'vitest';
import { PASSWORD, mailedCode, mailedToken } from '../suite-app.js';
import { body, type ContractSetup } from './harness.js';

/** Registers the contract of the email routes for one adapter. */
export function emailRoutesContract(setup: ContractSetup): void {
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
}
