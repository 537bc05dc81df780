import { describe, expect, it } from 'vitest';
import { PASSWORD, registeredUser, testAuth } from '../test-support/auth-fixtures.js';

describe('profile', () => {
  it('reads the account and profile', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await expect(t.auth.getProfile({ userId })).resolves.toMatchObject({ id: userId, email: 'ada@example.com', profile: { firstName: 'Ada' } });
  });

  it('updates only the given fields and keeps the others', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    t.clock.advance(5000);
    const user = await t.auth.updateProfile({ userId, profile: { lastName: 'Lovelace', phone: '+44 20 7946 0000' } });
    expect(user.profile).toEqual({ firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000' });
    expect(user.updatedAt).toEqual(t.clock.now());
    expect(t.events.find((e) => e.type === 'profile.updated')).toMatchObject({ fields: ['lastName', 'phone'] });
  });

  it('ignores account fields in profile input: role, status, email, verification and hash stay as they are', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const before = await t.store.findUserById(userId);
    await t.auth.updateProfile({
      userId,
      profile: { firstName: 'Eve', role: 'admin', status: 'active', email: 'eve@example.com', emailVerified: true, passwordHash: 'x' } as never,
    });
    const after = await t.store.findUserById(userId);
    expect(after).toMatchObject({ role: before?.role, status: before?.status, email: before?.email, passwordHash: before?.passwordHash });
    expect(after?.profile).toEqual({ firstName: 'Eve' });
  });

  it('validates fields and refuses invalid values without changing anything', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await expect(t.auth.updateProfile({ userId, profile: { phone: 'call me' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ field: 'profile.phone' })],
    });
    expect((await t.store.findUserById(userId))?.profile).toEqual({ firstName: 'Ada' });
  });

  it('refuses a deleted or disabled user', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    await t.auth.setUserStatus({ userId, status: 'disabled' });
    await expect(t.auth.getProfile({ userId })).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
    await t.auth.deleteUser({ userId });
    await expect(t.auth.getProfile({ userId })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(t.auth.deleteUser({ userId })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});

describe('sessions', () => {
  it('lists live sessions newest first, marks the current one, and hides ended ones', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const a = await t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '198.51.100.1', userAgent: 'Firefox' });
    t.clock.advance(1000);
    const b = await t.auth.login({ email: 'ada@example.com', password: PASSWORD, ip: '198.51.100.2', userAgent: 'Safari' });
    t.clock.advance(1000);
    const c = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.logout({ userId, sessionId: c.tokens.sessionId });
    const list = await t.auth.listSessions({ userId, sessionId: a.tokens.sessionId });
    expect(list.map((s) => [s.id, s.current, s.ip, s.userAgent])).toEqual([
      [b.tokens.sessionId, false, '198.51.100.2', 'Safari'],
      [a.tokens.sessionId, true, '198.51.100.1', 'Firefox'],
    ]);
    expect(list[0]).not.toHaveProperty('rotationKey');
  });

  it('hides sessions past their idle lifetime', async () => {
    const t = testAuth({ session: { idleTtl: '1h' } });
    const { userId } = await registeredUser(t);
    await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    t.clock.advance(3_600_000);
    expect(await t.auth.listSessions({ userId })).toEqual([]);
  });

  it('ends one own session, and refuses to end another user’s', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { userId: bob } = await registeredUser(t, 'bob@example.com');
    const a = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.revokeSession({ userId: bob, sessionId: a.tokens.sessionId })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(t.auth.authenticate(a.tokens.accessToken)).resolves.toBeTruthy();
    await t.auth.revokeSession({ userId, sessionId: a.tokens.sessionId });
    await expect(t.auth.revokeSession({ userId, sessionId: a.tokens.sessionId })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('logout is idempotent and cannot end another user’s session', async () => {
    const t = testAuth();
    const { userId } = await registeredUser(t);
    const { userId: bob } = await registeredUser(t, 'bob@example.com');
    const a = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.logout({ userId: bob, sessionId: a.tokens.sessionId });
    await expect(t.auth.authenticate(a.tokens.accessToken)).resolves.toBeTruthy();
    await t.auth.logout({ userId, sessionId: a.tokens.sessionId });
    await t.auth.logout({ userId, sessionId: a.tokens.sessionId });
    expect(t.events.filter((e) => e.type === 'session.ended')).toHaveLength(1);
  });
});

describe('profile updates with unique profile fields (uniqueProfileFields)', () => {
  const taken = { code: 'VALIDATION_FAILED', fields: [{ field: 'profile.username', code: 'taken', message: 'This value is already taken.' }] };

  async function twoUsers(): Promise<{ t: ReturnType<typeof testAuth>; ada: string; bob: string }> {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'ada' } });
    await t.auth.register({ email: 'bob@example.com', password: PASSWORD, profile: { username: 'bob' } });
    const ada = (await t.store.findUserByEmail('ada@example.com'))?.id;
    const bob = (await t.store.findUserByEmail('bob@example.com'))?.id;
    if (ada === undefined || bob === undefined) throw new Error('not registered');
    await t.store.updateUser(ada, { status: 'active', updatedAt: t.clock.now() });
    await t.store.updateUser(bob, { status: 'active', updatedAt: t.clock.now() });
    return { t, ada: String(ada), bob: String(bob) };
  }

  it("refuses another account's username, in any case, and changes nothing", async () => {
    const { t, bob } = await twoUsers();
    const before = await t.store.findUserById(bob);
    await expect(t.auth.updateProfile({ userId: bob, profile: { username: ' ADA ', firstName: 'Eve' } })).rejects.toMatchObject(taken);
    expect(await t.store.findUserById(bob)).toEqual(before);
    expect(t.events.some((event) => event.type === 'profile.updated')).toBe(false);
  });

  it('lets a user keep their username, or change its case, while changing other fields', async () => {
    const { t, ada } = await twoUsers();
    await t.auth.updateProfile({ userId: ada, profile: { firstName: 'Ada' } });
    const user = await t.auth.updateProfile({ userId: ada, profile: { username: 'Ada' } });
    expect(user.profile).toEqual({ username: 'Ada', firstName: 'Ada' });
  });

  it('frees a username its owner gives up or removes, and on deletion of the account', async () => {
    const { t, ada, bob } = await twoUsers();
    await t.auth.updateProfile({ userId: ada, profile: { username: 'lovelace' } });
    await t.auth.updateProfile({ userId: bob, profile: { username: 'ada' } });
    await t.auth.updateProfile({ userId: bob, profile: { username: undefined } });
    await t.auth.register({ email: 'carol@example.com', password: PASSWORD, profile: { username: 'ADA' } });
    await expect(t.auth.register({ email: 'dave@example.com', password: PASSWORD, profile: { username: 'Lovelace' } })).rejects.toMatchObject(taken);
    await t.auth.deleteUser({ userId: ada });
    await t.auth.register({ email: 'dave@example.com', password: PASSWORD, profile: { username: 'Lovelace' } });
  });

  it('of concurrent updates of several users to one username, exactly one applies', async () => {
    const { t, ada, bob } = await twoUsers();
    await t.auth.register({ email: 'carol@example.com', password: PASSWORD });
    const carol = String((await t.store.findUserByEmail('carol@example.com'))?.id);
    await t.store.updateUser(carol, { status: 'active', updatedAt: t.clock.now() });
    const results = await Promise.allSettled([ada, bob, carol].map((userId) => t.auth.updateProfile({ userId, profile: { username: 'grace' } })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject(taken);
  });
});
