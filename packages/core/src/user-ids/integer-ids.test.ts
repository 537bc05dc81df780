// Store-assigned integer user ids (`userIds: 'integer'`) end to end, over the memory store: every
// flow, the access token's `sub`, ownership checks between users, and the HTTP answers.
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createFetchHandler } from '../http/fetch-handler.js';
import { PASSWORD, caught, integerTestAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { codeIn, mailTo } from '../test-support/mail-fixtures.js';

const codeVerification = { emailVerification: { method: 'code' as const, requiredForLogin: true, autoLoginOnVerify: true } };

/** Registers and verifies `email` by its code; returns the user's id. */
async function verifiedUser(t: TestAuth<number>, email: string): Promise<number> {
  const { user } = await t.auth.register({ email, password: PASSWORD, profile: { firstName: 'Ada' } });
  await t.auth.verifyEmail({ email, code: codeIn(await mailTo(t, email)) });
  return user.id;
}

describe("userIds: 'integer', through every flow", () => {
  it('register, verify, login, refresh, profile, sessions and logout all work with the numeric id', async () => {
    const t = integerTestAuth(codeVerification);
    const email = 'ada@example.com';
    const registered = await t.auth.register({ email, password: PASSWORD, profile: { firstName: 'Ada' } });
    expect(registered.user.id).toBe(1);

    const verified = await t.auth.verifyEmail({ email, code: codeIn(await mailTo(t, email)) });
    expect(verified.user).toMatchObject({ id: 1, emailVerified: true, status: 'active' });
    expect(verified.tokens).not.toBeNull();

    const login = await t.auth.login({ email, password: PASSWORD });
    expect(login.user.id).toBe(1);
    // RFC 7519: `sub` is a string; authenticate reads it back as the number.
    expect(decodeJwt(login.tokens.accessToken).sub).toBe('1');
    const identity = await t.auth.authenticate(login.tokens.accessToken);
    expect(identity.userId).toBe(1);

    const refreshed = await t.auth.refresh({ refreshToken: login.tokens.refreshToken });
    expect(refreshed.user.id).toBe(1);
    expect((await t.auth.authenticate(refreshed.tokens.accessToken)).userId).toBe(1);

    expect(await t.auth.getProfile({ userId: identity.userId })).toMatchObject({ id: 1, profile: { firstName: 'Ada' } });
    expect((await t.auth.updateProfile({ userId: 1, profile: { lastName: 'Lovelace' } })).profile).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });

    const sessions = await t.auth.listSessions({ userId: 1, sessionId: identity.sessionId });
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current).map((session) => session.id)).toEqual([identity.sessionId]);
    const other = sessions.find((session) => !session.current);
    await t.auth.revokeSession({ userId: 1, sessionId: other?.id ?? '' });
    await expect(t.auth.authenticate(verified.tokens?.accessToken ?? '')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    await t.auth.logout({ userId: identity.userId, sessionId: identity.sessionId });
    await expect(t.auth.authenticate(refreshed.tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(await t.auth.listSessions({ userId: 1 })).toEqual([]);
  });

  it("compares ids as numbers: user 2 can neither end nor log out user 1's session, user 1 can", async () => {
    const t = integerTestAuth(codeVerification);
    const ada = await verifiedUser(t, 'ada@example.com');
    const bob = await verifiedUser(t, 'bob@example.com');
    expect([ada, bob]).toEqual([1, 2]);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });

    expect((await caught(t.auth.revokeSession({ userId: bob, sessionId: tokens.sessionId }))).code).toBe('SESSION_NOT_FOUND');
    await t.auth.logout({ userId: bob, sessionId: tokens.sessionId });
    expect((await t.auth.authenticate(tokens.accessToken)).userId).toBe(ada);

    await t.auth.revokeSession({ userId: ada, sessionId: tokens.sessionId });
    await expect(t.auth.authenticate(tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('changes the password and the address by code with the numeric id of the caller', async () => {
    const t = integerTestAuth(codeVerification);
    const id = await verifiedUser(t, 'ada@example.com');
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.changePassword({ userId: id, sessionId: tokens.sessionId, currentPassword: PASSWORD, newPassword: 'Brand-New-Secret-77' });
    await t.auth.requestEmailChange({ userId: id, sessionId: tokens.sessionId, password: 'Brand-New-Secret-77', newEmail: 'ada@new.example' });
    const { user } = await t.auth.confirmEmailChange({ userId: id, code: codeIn(await mailTo(t, 'ada@new.example')) });
    expect(user).toMatchObject({ id: 1, email: 'ada@new.example' });
  });

  it('refuses an access token whose sub is not an integer id, though its session is live', async () => {
    const t = integerTestAuth(codeVerification);
    await verifiedUser(t, 'ada@example.com');
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    for (const sub of ['01', 'ada', '1.0']) {
      const forged = await t.auth.context.accessTokens.sign({ userId: sub, sessionId: tokens.sessionId, role: 'user', jti: `jti-${sub}` }, t.clock.now());
      expect((await caught(t.auth.authenticate(forged.token))).code).toBe('TOKEN_INVALID');
    }
  });

  it('answers an address that has an account like a new one, with the id 0 that no user has', async () => {
    const t = integerTestAuth({ emailVerification: { requiredForLogin: true } });
    expect((await t.auth.register({ email: 'ada@example.com', password: PASSWORD })).user.id).toBe(1);
    const again = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(again).toMatchObject({ user: { id: 0, email: 'ada@example.com' }, tokens: null, verificationRequired: true });
    expect((await t.auth.register({ email: 'bob@example.com', password: PASSWORD })).user.id).toBe(2);
  });
});

describe("userIds: 'integer', over HTTP", () => {
  it('sends user.id as a JSON number and documents it as an integer', async () => {
    const t = integerTestAuth({ emailVerification: { requiredForLogin: false } });
    const handler = createFetchHandler(t.auth, { basePath: '/auth' });
    async function send(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; text: string; json: any }> {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await handler(new Request(`https://api.example.com/auth${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) }), { ip: '192.0.2.1' });
      const text = await response.text();
      return { status: response.status, text, json: text === '' ? null : JSON.parse(text) };
    }

    const register = await send('POST', '/register', { email: 'ada@example.com', password: PASSWORD, firstName: 'Ada' });
    expect(register.status).toBe(201);
    expect(register.json.data.user.id).toBe(1);
    expect(register.text).toContain('"id":1,');

    const login = await send('POST', '/login', { email: 'ada@example.com', password: PASSWORD });
    expect(login.json.data.user.id).toBe(1);
    const token: string = login.json.data.tokens.accessToken;
    expect((await send('GET', '/profile', undefined, token)).json.data.user).toMatchObject({ id: 1, firstName: 'Ada' });
    expect((await send('PATCH', '/profile', { lastName: 'Lovelace' }, token)).json.data.user).toMatchObject({ id: 1, lastName: 'Lovelace' });
    const sessions = (await send('GET', '/sessions', undefined, token)).json.data.sessions as { id: string }[];
    expect(sessions.length).toBeGreaterThan(0);

    // Bob may not end Ada's session.
    await send('POST', '/register', { email: 'bob@example.com', password: PASSWORD });
    const bob = await send('POST', '/login', { email: 'bob@example.com', password: PASSWORD });
    expect(bob.json.data.user.id).toBe(2);
    expect((await send('DELETE', `/sessions/${sessions[0]?.id}`, undefined, bob.json.data.tokens.accessToken)).status).toBe(404);
    expect((await send('POST', '/logout', undefined, token)).status).toBe(200);
    expect((await send('GET', '/profile', undefined, token)).status).toBe(401);

    const openapi = (await send('GET', '/openapi.json')).json;
    const user = JSON.stringify(openapi).match(/"id":\{"type":"(\w+)"/);
    expect(user?.[1]).toBe('integer');
  });
});
