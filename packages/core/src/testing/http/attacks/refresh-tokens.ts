// Internal to runHttpAttacks: replayed, raced and stolen refresh tokens, the cookie mode, and
// access-token reissue.
import { describe, expect, it } from 'vitest';
import { APP_URL, PASSWORD, START } from '../suite-app.js';
import { b64, hmacJwt, payloadOf } from './forge.js';
import { ACCESS_TTL_MS, GRACE_MS, expectRefused, json, status, type AttackSetup, type Json, type Session } from './harness.js';

/** Registers the refresh-token attacks for one adapter. */
export function refreshTokenAttacks(setup: AttackSetup): void {
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
}
