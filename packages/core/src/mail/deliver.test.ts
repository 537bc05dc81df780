import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import type { AuthEvent } from '../events.js';
import { fakeClock } from '../memory/fake-clock.js';
import { memoryStore } from '../memory/memory-store.js';
import { PASSWORD, START, TEST_SECRET, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { failingMailer, hangingMailer, mailTo, recordingLogger, tokenIn } from '../test-support/mail-fixtures.js';

describe('mail delivery', () => {
  it('keeps the account when the mailer throws at registration, reports it, and resend works later', async () => {
    const mailer = failingMailer();
    const logger = recordingLogger();
    const t = testAuth({ mailer, logger });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.settled();
    expect(await t.store.findUserById(user.id)).not.toBeNull();
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'mail.failed', template: 'verification', userId: user.id }));
    expect(logger.entries).toEqual([
      expect.objectContaining({ level: 'error', message: 'gatehouse: sending email failed', details: expect.objectContaining({ template: 'verification', userId: user.id }) }),
    ]);
    // Nothing secret reaches the log: no address, no link.
    expect(JSON.stringify(logger.entries[0]?.details, (_key, value: unknown) => (value instanceof Error ? value.message : value))).not.toContain('ada@example.com');

    // The mail service is back: resend delivers a working link.
    const working = testAuth({ store: t.store, clock: t.clock });
    await working.auth.resendVerification({ email: 'ada@example.com' });
    const message = await mailTo(working, 'ada@example.com');
    await expect(working.auth.verifyEmail({ token: tokenIn(message) })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('answers a reset request the same when the mailer throws (no enumeration through errors)', async () => {
    const t = testAuth({ mailer: failingMailer() });
    await registeredUser(t);
    await expect(t.auth.requestPasswordReset({ email: 'ada@example.com' })).resolves.toBeUndefined();
    await expect(t.auth.requestPasswordReset({ email: 'nobody@example.com' })).resolves.toBeUndefined();
    await t.auth.settled();
    expect(t.events.filter((e) => e.type === 'mail.failed').map((e) => e.type === 'mail.failed' && e.template)).toEqual(['verification', 'passwordReset']);
  });

  it('does not wait for a hanging mailer in enumeration-sensitive flows, and reports the timeout', async () => {
    const mailer = hangingMailer();
    const logger = recordingLogger();
    const t = testAuth({ mailer, logger, mailTimeout: 0.05 });
    await registeredUser(t);
    const started = performance.now();
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    await t.auth.resendVerification({ email: 'ada@example.com' }).catch(() => {});
    expect(performance.now() - started).toBeLessThan(40);
    // The sends run after the answers; settled() waits for them, each given up after mailTimeout.
    await t.auth.settled();
    expect(mailer.attempts).toBe(2);
    expect(t.events.filter((e) => e.type === 'mail.failed').map((e) => e.type === 'mail.failed' && e.template)).toEqual(['verification', 'passwordReset']);
    expect(logger.entries.every((entry) => String((entry.details?.['error'] as Error).message).includes('did not settle within 50 ms'))).toBe(true);
  });

  it('bounds the wait for a hanging mailer in flows that await the send', async () => {
    const mailer = hangingMailer();
    const t = testAuth({ mailer, mailTimeout: 0.05 });
    const { userId } = await registeredUser(t);
    const { tokens } = await t.auth.login({ email: 'ada@example.com', password: PASSWORD });
    const started = performance.now();
    await t.auth.changePassword({ userId, sessionId: tokens.sessionId, currentPassword: PASSWORD, newPassword: 'Brand-New-Secret-77' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1000);
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'mail.failed', template: 'passwordChanged', userId }));
    await expect(t.auth.login({ email: 'ada@example.com', password: 'Brand-New-Secret-77' })).resolves.toBeDefined();
  });

  it('reports a template that throws like a mailer failure', async () => {
    const t = testAuth({
      emails: {
        passwordReset: () => {
          throw new Error('template bug');
        },
      },
    });
    await registeredUser(t);
    await expect(t.auth.requestPasswordReset({ email: 'ada@example.com' })).resolves.toBeUndefined();
    await t.auth.settled();
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'mail.failed', template: 'passwordReset' }));
  });

  it('without a mailer, logs a warning and carries on', async () => {
    const logger = recordingLogger();
    const events: AuthEvent[] = [];
    const auth = createAuth({
      store: memoryStore(),
      secret: TEST_SECRET,
      clock: fakeClock(START),
      logger,
      onEvent: (event) => void events.push(event),
      hasher: { hash: async (p) => `plain:${p}`, verify: async (h, p) => h === `plain:${p}`, needsRehash: () => false },
    });
    await expect(auth.register({ email: 'ada@example.com', password: PASSWORD })).resolves.toBeDefined();
    await auth.settled();
    expect(logger.entries).toEqual([
      // At createAuth: with verification required, no one could ever log in.
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/no mailer is configured/) }),
      expect.objectContaining({ level: 'warn', message: 'gatehouse: no mailer configured; email not sent' }),
    ]);
    expect(events.some((e) => e.type === 'mail.failed')).toBe(false);
  });
});
