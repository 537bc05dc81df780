// `userIds: 'integer'` end to end over SQL: createAuth over kyselyStore(db, { userIds: 'integer' })
// on SQLite, PostgreSQL (bigint read back as text) and MariaDB (the insert id), through the flows
// and the HTTP answers. The store's own contracts are the conformance kit's (kysely-suite.ts).
import { argon2Hasher, createAuth, fakeClock, memoryMailer } from '@gatehouse-auth/core';
import { createFetchHandler } from '@gatehouse-auth/core/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore, migrateToLatest } from './index.js';
import { createTestDatabase, type TestDatabase } from './test-support/databases.js';

const PASSWORD = 'Correct-Horse-42';
const KINDS = [
  ['SQLite', 'sqlite-memory'],
  ['PostgreSQL', 'postgres'],
  ['MariaDB', 'mysql'],
] as const;

describe.each(KINDS)("userIds: 'integer' over kyselyStore on %s", (_label, kind) => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateToLatest(database.db, { userIds: 'integer' });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  function integerAuth() {
    if (database === undefined) throw new Error('no test database');
    const clock = fakeClock(Date.UTC(2030, 0, 1));
    const mailer = memoryMailer({ now: clock.now });
    const auth = createAuth({
      store: kyselyStore(database.db, { userIds: 'integer' }),
      userIds: 'integer',
      secret: 'test-secret-'.padEnd(32, 'x'),
      appUrl: 'https://app.example.com',
      mailer,
      clock,
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      emailVerification: { method: 'code', requiredForLogin: true, autoLoginOnVerify: true },
    });
    async function code(email: string): Promise<string> {
      await auth.settled();
      const found = /^([A-Z0-9]{6})$/m.exec(mailer.lastTo(email)?.text ?? '')?.[1];
      if (found === undefined) throw new Error(`no code mailed to ${email}`);
      return found;
    }
    return { auth, code };
  }

  it('registers, verifies, logs in, refreshes and ends sessions with numeric ids the database assigned', async () => {
    const { auth, code } = integerAuth();
    const ada = await auth.register({ email: `ada-${kind}@example.com`, password: PASSWORD });
    const bob = await auth.register({ email: `bob-${kind}@example.com`, password: PASSWORD });
    expect(typeof ada.user.id).toBe('number');
    expect(bob.user.id).toBeGreaterThan(ada.user.id);

    // A wrong guess for an address without an account costs a store call with the id 0: no error.
    await expect(auth.verifyEmail({ email: `nobody-${kind}@example.com`, code: 'ABCDEF' })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const verified = await auth.verifyEmail({ email: ada.user.email, code: await code(ada.user.email) });
    expect(verified.user).toMatchObject({ id: ada.user.id, emailVerified: true });
    await auth.verifyEmail({ email: bob.user.email, code: await code(bob.user.email) });

    const login = await auth.login({ email: ada.user.email, password: PASSWORD });
    const identity = await auth.authenticate(login.tokens.accessToken);
    expect(identity.userId).toBe(ada.user.id);
    const refreshed = await auth.refresh({ refreshToken: login.tokens.refreshToken });
    expect(refreshed.user.id).toBe(ada.user.id);
    expect((await auth.listSessions({ userId: ada.user.id })).length).toBe(2);

    await expect(auth.revokeSession({ userId: bob.user.id, sessionId: identity.sessionId })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await auth.revokeSession({ userId: ada.user.id, sessionId: identity.sessionId });
    await expect(auth.authenticate(refreshed.tokens.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(await auth.logoutAll({ userId: ada.user.id })).toEqual({ count: 1 });
  });

  it('answers the profile over HTTP with user.id a JSON number', async () => {
    const { auth, code } = integerAuth();
    const handler = createFetchHandler(auth, { basePath: '/auth' });
    const send = async (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> => {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await handler(new Request(`https://api.example.com/auth${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) }), { ip: '192.0.2.1' });
      return { status: response.status, json: await response.json() };
    };
    const email = `http-${kind}@example.com`;
    const registered = await send('POST', '/register', { email, password: PASSWORD });
    expect(registered.status).toBe(201);
    const id = registered.json.data.user.id;
    expect(typeof id).toBe('number');
    const verified = await send('POST', '/verify-email', { email, code: await code(email) });
    expect(verified.json.data.user.id).toBe(id);
    const profile = await send('GET', '/profile', undefined, verified.json.data.tokens.accessToken);
    expect(profile.json.data.user).toMatchObject({ id, email });
  });
});
