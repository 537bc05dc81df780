// Internal to runHttpAttacks: account-integrity attacks over HTTP (issue: one lifecycle rule,
// atomic codes). Each test drives the adapter as an attacker and an owner would.
import { describe, expect, it } from 'vitest';
import { APP_URL, PASSWORD, mailedCode, mailedToken, type SuiteApp } from '../suite-app.js';
import type { AttackSetup } from './harness.js';

const NEW_PASSWORD = 'Brand-New-Horse-7';
const ATTACKER = 'mallory@evil.example';

type Json = Record<string, any>;

async function body(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

async function signIn(t: SuiteApp, email = 'ada@example.com', password = PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await t.call('POST', '/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return (await body(response)).data.tokens as { accessToken: string; refreshToken: string };
}

/** Registers the account (the suite's config does not require verification for login). */
async function register(t: SuiteApp, email = 'ada@example.com'): Promise<void> {
  expect((await t.call('POST', '/auth/register', { body: { email, password: PASSWORD } })).status).toBe(201);
}

/** Registers the account-integrity attacks for one adapter. */
export function accountIntegrityAttacks(setup: AttackSetup): void {
  describe('account integrity', () => {
    it('takeover by a pending email change: after the owner resets the password, the intruder\'s link and code no longer hand over the account', async () => {
      const t = await setup({}, { emailVerification: { method: 'both', requiredForLogin: false } });
      await register(t);
      // The intruder held the password for a while: they start a change to their own address.
      const intruder = await signIn(t);
      const started = await t.call('POST', '/auth/change-email', { token: intruder.accessToken, body: { password: PASSWORD, newEmail: ATTACKER } });
      expect(started.status).toBe(200);
      const link = await mailedToken(t, ATTACKER);
      const code = await mailedCode(t, ATTACKER);

      // The owner does what the "your address is changing" notice tells them: reset the password.
      expect((await t.call('POST', '/auth/password/reset', { body: { email: 'ada@example.com' } })).status).toBe(200);
      const reset = await mailedToken(t, 'ada@example.com');
      expect((await t.call('POST', '/auth/password/reset/confirm', { body: { token: reset, password: NEW_PASSWORD } })).status).toBe(200);

      const byPost = await t.call('POST', '/auth/confirm-email-change', { body: { token: link } });
      expect(byPost.status).toBe(401);
      expect((await body(byPost)).error.code).toBe('TOKEN_INVALID');
      expect((await t.call('GET', `/auth/confirm-email-change/${link}`)).status).toBe(401);
      // The code path needs a session, and the intruder's ended with the reset.
      expect((await t.call('POST', '/auth/confirm-email-change', { token: intruder.accessToken, body: { code } })).status).toBe(401);
      // The account is still the owner's.
      expect((await t.call('POST', '/auth/password/reset', { body: { email: ATTACKER } })).status).toBe(200);
      const owner = await signIn(t, 'ada@example.com', NEW_PASSWORD);
      expect((await body(await t.call('GET', '/auth/profile', { token: owner.accessToken }))).data.user.email).toBe('ada@example.com');
    });

    it('takeover by a pending email change: "log out everywhere" voids it too', async () => {
      const t = await setup({}, { emailVerification: { method: 'link', requiredForLogin: false } });
      await register(t);
      const intruder = await signIn(t);
      expect((await t.call('POST', '/auth/change-email', { token: intruder.accessToken, body: { password: PASSWORD, newEmail: ATTACKER } })).status).toBe(200);
      const link = await mailedToken(t, ATTACKER);
      const owner = await signIn(t);
      expect((await t.call('POST', '/auth/logout/all', { token: owner.accessToken })).status).toBe(200);
      expect((await t.call('POST', '/auth/confirm-email-change', { body: { token: link } })).status).toBe(401);
    });

    it('parallel code guesses: the address is verified exactly when one answer said so, and never past the tries', async () => {
      for (let round = 0; round < 5; round++) {
        const t = await setup({}, { emailVerification: { method: 'code', requiredForLogin: true, codeAttempts: 5 }, rateLimits: false });
        await register(t);
        const code = await mailedCode(t, 'ada@example.com');
        const wrong = (index: number): string => `${'ABCDEFGHJK'[index] === code[0] ? 'Z' : 'ABCDEFGHJK'[index]}${code.slice(1)}`;
        const guesses = Array.from({ length: 10 }, (_, index) => (index === 9 - round ? code : wrong(index)));
        const answers = await Promise.all(guesses.map((guess) => t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code: guess } })));
        const accepted = answers.filter((answer) => answer.status === 200).length;
        expect(accepted).toBeLessThanOrEqual(1);
        const login = await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
        // Verified (login works) exactly when one answer told the client so.
        expect(login.status === 200, `round ${round}: ${accepted} accepted, login ${login.status}`).toBe(accepted === 1);
      }
    });

    it('after the tries of a code are spent, the right code is refused', async () => {
      const t = await setup({}, { emailVerification: { method: 'code', requiredForLogin: true, codeAttempts: 5 }, rateLimits: false });
      await register(t);
      const code = await mailedCode(t, 'ada@example.com');
      const wrong = `${code[0] === 'A' ? 'B' : 'A'}${code.slice(1)}`;
      const answers = await Promise.all(Array.from({ length: 8 }, () => t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code: wrong } })));
      expect(answers.every((answer) => answer.status === 401)).toBe(true);
      const right = await t.call('POST', '/auth/verify-email', { body: { email: 'ada@example.com', code } });
      expect(right.status).toBe(401);
      expect((await t.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(403);
    });

    it('the emailed verification link (GET) never sets a cookie or starts a session, even with cookie transport and autoLoginOnVerify', async () => {
      const t = await setup({ refreshCookie: true }, { emailVerification: { method: 'link', requiredForLogin: true, autoLoginOnVerify: true } });
      expect((await t.call('POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD }, headers: { origin: APP_URL } })).status).toBe(201);
      const link = await mailedToken(t, 'ada@example.com');
      // Opened cross-site, as an attacker's page would open their own account's link in a victim's browser.
      const opened = await t.call('GET', `/auth/verify-email/${link}`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
      expect(opened.status).toBe(200);
      expect(opened.headers.getSetCookie()).toEqual([]);
      const data = (await body(opened)).data;
      expect(data.user.emailVerified).toBe(true);
      expect(data.tokens ?? null).toBeNull();
      const user = await t.auth.context.store.findUserByEmail('ada@example.com');
      expect(await t.auth.listSessions({ userId: String(user?.id ?? '') })).toEqual([]);
    });

    it('a password with a lone surrogate is refused with 422, not collapsed to U+FFFD', async () => {
      const t = await setup();
      const raw = '{"email":"ada@example.com","password":"Correct-Horse-9\\ud800"}';
      const response = await t.call('POST', '/auth/register', { raw });
      expect(response.status).toBe(422);
      expect((await body(response)).error.fields?.[0]).toMatchObject({ field: 'password' });
    });
  });
}
