import { describe, expect, it } from 'vitest';
import { sha256 } from '../lib/crypto.js';
import { PASSWORD, registeredUser, testAuth, type TestAuth } from '../test-support/auth-fixtures.js';

const DAY = 86_400_000;

async function loggedIn(t: TestAuth): Promise<{ userId: string; accessToken: string; refreshToken: string; sessionId: string }> {
  const { userId } = await registeredUser(t);
  const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
  return { userId, ...tokens };
}

async function liveTokensOfSession(t: TestAuth, hashes: string[]): Promise<number> {
  let live = 0;
  for (const hash of hashes) {
    const found = await t.store.findRefreshToken(hash);
    if (found && found.token.usedAt === null && found.session.revokedAt === null) live += 1;
  }
  return live;
}

describe('refresh', () => {
  it('rotates: a new refresh token and access token in the same session', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    t.clock.advance(60_000);
    const { tokens, user } = await t.auth.refresh({ refreshToken: first.refreshToken });
    expect(user.id).toBe(first.userId);
    expect(tokens.refreshToken).not.toBe(first.refreshToken);
    expect(tokens.accessToken).not.toBe(first.accessToken);
    expect(tokens.sessionId).toBe(first.sessionId);
    expect((await t.auth.authenticate(tokens.accessToken)).sessionId).toBe(first.sessionId);
    expect(t.events.filter((e) => e.type === 'refresh_token.rotated')).toHaveLength(1);
  });

  it('stores refresh tokens only as SHA-256', async () => {
    const t = testAuth();
    const { refreshToken } = await loggedIn(t);
    expect(await t.store.findRefreshToken(refreshToken)).toBeNull();
    expect(await t.store.findRefreshToken(sha256(refreshToken))).not.toBeNull();
  });

  it('revokes the whole family when a rotated token is replayed after the grace window', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    const second = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    t.clock.advance(10_001);
    await expect(t.auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    // the thief and the victim are both out: the family's live token and access tokens stop working
    await expect(t.auth.refresh({ refreshToken: second.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(t.auth.authenticate(second.accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    // and the revocation survives: replaying again does not bring anything back
    await expect(t.auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const reused = t.events.filter((e) => e.type === 'refresh_token.reused');
    expect(reused).toEqual([expect.objectContaining({ userId: first.userId, sessionId: first.sessionId })]);
    expect(JSON.stringify(t.events)).not.toContain(first.refreshToken);
  });

  it('gives a concurrent retry inside the grace window the same successor, without forking or revoking', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    const a = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    t.clock.advance(10_000); // the window's last millisecond
    const b = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    expect(b.refreshToken).toBe(a.refreshToken);
    expect(b.sessionId).toBe(a.sessionId);
    await expect(t.auth.authenticate(a.accessToken)).resolves.toBeTruthy();
    await expect(t.auth.refresh({ refreshToken: b.refreshToken })).resolves.toHaveProperty('tokens');
    expect(t.events.some((e) => e.type === 'refresh_token.reused')).toBe(false);
  });

  it('N parallel refreshes of one token yield one successor and one live token in the family', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => t.auth.refresh({ refreshToken: first.refreshToken })));
    const successors = new Set(results.map((r) => r.tokens.refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    expect(await liveTokensOfSession(t, [sha256(first.refreshToken), sha256(successor ?? '')])).toBe(1);
    expect(t.events.filter((e) => e.type === 'refresh_token.rotated')).toHaveLength(1);
  });

  it('treats an old token as a replay after a further rotation, even inside the grace window', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    const second = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    await t.auth.refresh({ refreshToken: second.refreshToken });
    await expect(t.auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
  });

  it('with a zero grace window, any second use is a replay', async () => {
    const t = testAuth({ session: { refreshGraceWindow: 0 } });
    const first = await loggedIn(t);
    await t.auth.refresh({ refreshToken: first.refreshToken });
    t.clock.advance(1);
    await expect(t.auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
  });

  it('ends a session after its idle lifetime, to the millisecond', async () => {
    const t = testAuth({ session: { idleTtl: '1d', absoluteTtl: '30d' } });
    const first = await loggedIn(t);
    t.clock.advance(DAY - 1);
    const second = (await t.auth.refresh({ refreshToken: first.refreshToken })).tokens;
    expect(second.refreshTokenExpiresAt).toEqual(new Date(t.clock.now().getTime() + DAY));
    t.clock.advance(DAY);
    await expect(t.auth.refresh({ refreshToken: second.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('ends a session at its absolute lifetime however often it is used', async () => {
    const t = testAuth({ session: { idleTtl: '1d', absoluteTtl: '3d' } });
    let { refreshToken } = await loggedIn(t);
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(DAY - 1000);
      ({ refreshToken } = (await t.auth.refresh({ refreshToken })).tokens);
    }
    t.clock.advance(3000); // now exactly 3 days after login
    await expect(t.auth.refresh({ refreshToken })).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses garbage, an access token, and a token after logout', async () => {
    const t = testAuth();
    const first = await loggedIn(t);
    for (const refreshToken of ['nope', first.accessToken, 'x'.repeat(43)]) {
      await expect(t.auth.refresh({ refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    }
    await expect(t.auth.refresh({ refreshToken: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await t.auth.logout({ userId: first.userId, sessionId: first.sessionId });
    await expect(t.auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
