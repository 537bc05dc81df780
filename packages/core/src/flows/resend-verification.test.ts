import { describe, expect, it } from 'vitest';
import { PASSWORD, caught, testAuth } from '../test-support/auth-fixtures.js';
import { codeIn, countingStore, failingMailer, failingTokenWrites, mailTo, mailsTo, recordingLogger, tokenIn } from '../test-support/mail-fixtures.js';

const HOUR = 3_600_000;

describe('resendVerification', () => {
  it('sends a new link and voids the previous one', async () => {
    const t = testAuth();
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const first = await mailTo(t, 'ada@example.com');
    await t.auth.resendVerification({ email: 'Ada@Example.com' });
    const second = await mailTo(t, 'ada@example.com');
    expect(tokenIn(second)).not.toBe(tokenIn(first));
    expect((await caught(t.auth.verifyEmail({ token: tokenIn(first) }))).code).toBe('TOKEN_INVALID');
    await expect(t.auth.verifyEmail({ token: tokenIn(second) })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('sends a new code and voids the previous one, before it expires', async () => {
    const t = testAuth({ emailVerification: { method: 'code' } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const first = codeIn(await mailTo(t, 'ada@example.com'));
    await t.auth.resendVerification({ email: 'ada@example.com' });
    const second = codeIn(await mailTo(t, 'ada@example.com'));
    if (first !== second) {
      expect((await caught(t.auth.verifyEmail({ email: 'ada@example.com', code: first }))).code).toBe('TOKEN_INVALID');
    }
    await expect(t.auth.verifyEmail({ email: 'ada@example.com', code: second })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('answers the same, with the same hashing and store work, whatever the account', async () => {
    const store = countingStore(testAuth().store);
    const t = testAuth({ store });
    await t.auth.register({ email: 'pending@example.com', password: PASSWORD });
    const verified = await t.auth.register({ email: 'verified@example.com', password: PASSWORD });
    await t.auth.verifyEmail({ token: tokenIn(await mailTo(t, 'verified@example.com')) });
    const disabled = await t.auth.register({ email: 'disabled@example.com', password: PASSWORD });
    await t.auth.setUserStatus({ userId: disabled.user.id, status: 'disabled' });
    await t.auth.settled();
    t.mailer.clear();

    const work: { result: unknown; hasher: number; store: number }[] = [];
    const tokensIssued: number[] = [];
    for (const email of ['pending@example.com', 'nobody@example.com', 'verified@example.com', 'disabled@example.com']) {
      const hasher = t.hasher.calls.hash + t.hasher.calls.verify;
      const before = store.total();
      const result = await t.auth.resendVerification({ email });
      work.push({ result, hasher: t.hasher.calls.hash + t.hasher.calls.verify - hasher, store: store.total() - before });
      const issued = store.calls['createOneTimeToken'] ?? 0;
      await t.auth.settled();
      tokensIssued.push((store.calls['createOneTimeToken'] ?? 0) - issued);
    }
    expect(new Set(work.map((w) => JSON.stringify(w))).size).toBe(1);
    // The lookup only: the pending account's tokens are issued after the answer.
    expect(work[0]).toEqual({ result: undefined, hasher: 0, store: 1 });
    expect(tokensIssued).toEqual([1, 0, 0, 0]);
    expect(t.mailer.messages.map((m) => m.to)).toEqual(['pending@example.com']);
    expect(verified.user.id).toBeTruthy();
  });

  it('refuses requests over 3 an hour per address with RATE_LIMITED, the same way for unknown addresses', async () => {
    const t = testAuth();
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    for (const email of ['ada@example.com', 'ADA@example.com', ' ada@example.com']) await t.auth.resendVerification({ email });
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(4);
    const known = await caught(t.auth.resendVerification({ email: 'ada@example.com' }));
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(4);
    expect(t.events.filter((e) => e.type === 'rate_limit.exceeded')).toEqual([expect.objectContaining({ rule: 'resendVerification' })]);
    // The limit also applies to addresses without an account, so it says nothing about them.
    for (let index = 0; index < 3; index += 1) await t.auth.resendVerification({ email: 'nobody@example.com' });
    const unknown = await caught(t.auth.resendVerification({ email: 'nobody@example.com' }));
    expect([unknown.code, unknown.retryAfter, unknown.message]).toEqual([known.code, known.retryAfter, known.message]);
    expect(known.code).toBe('RATE_LIMITED');
    expect(t.events.filter((e) => e.type === 'rate_limit.exceeded')).toHaveLength(2);

    t.clock.advance(HOUR);
    await t.auth.resendVerification({ email: 'ada@example.com' });
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(5);
  });

  it('answers the same when the mailer fails, and reports the failure', async () => {
    const mailer = failingMailer();
    const t = testAuth({ mailer });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.resendVerification({ email: 'ada@example.com' })).resolves.toBeUndefined();
    await t.auth.settled();
    expect(mailer.attempts).toBe(2);
    expect(t.events.filter((e) => e.type === 'mail.failed')).toEqual([
      expect.objectContaining({ template: 'verification' }),
      expect.objectContaining({ template: 'verification' }),
    ]);
  });

  it('issues the tokens after the answer, and a store failing then is logged and reported as mail.failed, never thrown', async () => {
    let failing = false;
    const logger = recordingLogger();
    const t = testAuth({ store: failingTokenWrites(testAuth().store, () => failing), logger });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.settled();
    t.mailer.clear();

    await t.auth.resendVerification({ email: 'ada@example.com' });
    const before = await t.store.findActiveOneTimeToken(user.id, 'email-verification', t.clock.now());
    await t.auth.settled();
    const after = await t.store.findActiveOneTimeToken(user.id, 'email-verification', t.clock.now());
    // Still the registration's token when the answer came; the new one only after it.
    expect(before).not.toBeNull();
    expect(after).not.toBeNull();
    expect(after?.id).not.toBe(before?.id);

    failing = true;
    await expect(t.auth.resendVerification({ email: 'ada@example.com' })).resolves.toBeUndefined();
    await t.auth.settled();
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'mail.failed', template: 'verification', userId: user.id }));
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'gatehouse: sending email failed', details: expect.objectContaining({ template: 'verification', userId: user.id }) }),
    );
    expect(await mailsTo(t, 'ada@example.com')).toHaveLength(1);

    // The store is back: the next resend sends a working link.
    failing = false;
    await t.auth.resendVerification({ email: 'ada@example.com' });
    await expect(t.auth.verifyEmail({ token: tokenIn(await mailTo(t, 'ada@example.com')) })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('refuses a malformed address', async () => {
    const t = testAuth();
    expect((await caught(t.auth.resendVerification({ email: 'not-an-address' }))).code).toBe('VALIDATION_FAILED');
  });
});
