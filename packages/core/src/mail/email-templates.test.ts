import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import { memoryMailer } from '../memory/memory-mailer.js';
import { memoryStore } from '../memory/memory-store.js';
import { PASSWORD, TEST_SECRET, registeredUser, testAuth } from '../test-support/auth-fixtures.js';
import { defaultEmailTemplates, type EmailContent, type EmailTemplates } from './email-templates.js';
import { formatDuration } from './html.js';
import { mailTo, tokenIn } from '../test-support/mail-fixtures.js';

const at = new Date(Date.UTC(2026, 0, 1, 12));
const hostile = `<script>alert("x")</script> & 'co'`;

const samples: { [K in keyof EmailTemplates]: Parameters<EmailTemplates[K]>[0] } = {
  verification: { appName: hostile, email: 'ada@example.com', link: 'https://app.example.com/v/abc?a=1&b="2"', code: 'ABC234', linkTtl: 86_400, codeTtl: 600 },
  existingAccount: { appName: hostile, email: 'ada@example.com', resetPageUrl: 'https://app.example.com/reset?x=<y>' },
  passwordReset: { appName: hostile, email: 'ada@example.com', link: 'https://app.example.com/reset?token=abc&x="y"', ttl: 3600 },
  passwordChanged: { appName: hostile, email: 'ada@example.com', reason: 'change', changedAt: at, resetPageUrl: 'https://app.example.com/reset' },
  emailChangeVerification: { appName: hostile, email: 'ada@new.example', link: 'https://app.example.com/c/abc', code: null, linkTtl: 86_400, codeTtl: 600 },
  emailChangeRequested: { appName: hostile, email: 'ada@example.com', newEmail: 'x"><img src=x>@evil.example', at, resetPageUrl: 'https://app.example.com/reset' },
  emailChanged: { appName: hostile, email: 'ada@example.com', newEmail: 'ada@new.example', at, resetPageUrl: 'https://app.example.com/reset' },
};

function render<K extends keyof EmailTemplates>(name: K): EmailContent {
  return (defaultEmailTemplates[name] as (data: Parameters<EmailTemplates[K]>[0]) => EmailContent)(samples[name]);
}

describe('default email templates', () => {
  for (const name of Object.keys(samples) as (keyof EmailTemplates)[]) {
    it(`${name}: escapes every value in the HTML part and keeps the text part plain`, () => {
      const { subject, text, html } = render(name);
      expect(subject).toContain(hostile);
      expect(text).toContain(hostile);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain('<title>');
      expect(html).toContain('<meta charset="utf-8">');
    });
  }

  it('puts the code alone on its own line of the text part, and states both lifetimes', () => {
    const { text, html } = render('verification');
    expect(text.split('\n')).toContain('ABC234');
    expect(text).toContain('The link expires in 24 hours');
    expect(text).toContain('It expires in 10 minutes');
    expect(html).toContain('href="https://app.example.com/v/abc?a=1&amp;b=&quot;2&quot;"');
  });

  it('links the reset page in the HTML of the notices, not only as text', () => {
    for (const name of ['passwordChanged', 'emailChangeRequested'] as const) {
      const { text, html } = render(name);
      expect(html, name).toContain('href="https://app.example.com/reset"');
      expect(html, name).toContain('Choose a new password');
      expect(text, name).toContain('https://app.example.com/reset');
    }
  });

  it('puts the link on its own line of the text part', () => {
    const { text } = render('passwordReset');
    expect(text.split('\n')).toContain('https://app.example.com/reset?token=abc&x="y"');
    expect(text).toContain('expires in 1 hour');
  });

  it('words durations for people', () => {
    expect([formatDuration(600), formatDuration(3600), formatDuration(86_400), formatDuration(7 * 86_400), formatDuration(90), formatDuration(1)]).toEqual([
      '10 minutes',
      '1 hour',
      '24 hours',
      '7 days',
      '90 seconds',
      '1 second',
    ]);
  });
});

describe('email templates in config', () => {
  it('uses an app template where given and the defaults elsewhere, with appName in every message', async () => {
    const t = testAuth({
      appName: 'Acme',
      emails: {
        verification: async (data) => ({ subject: 'Welcome to Acme', text: `Code:\n${data.code}\nLink: ${data.link}`, html: `<p>${data.link}</p>` }),
      },
    });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const verification = await mailTo(t, 'ada@example.com');
    expect(verification.subject).toBe('Welcome to Acme');
    expect(tokenIn(verification)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    expect((await mailTo(t, 'ada@example.com')).subject).toBe('Reset your Acme password');
  });

  it('refuses a misspelt template name or a template that is not a function, at createAuth', () => {
    const base = { store: memoryStore(), mailer: memoryMailer(), secret: TEST_SECRET, appUrl: 'https://app.example.com' };
    expect(() => createAuth({ ...base, emails: { verify: () => ({ subject: '', text: '', html: '' }) } as never })).toThrow(/emails/);
    expect(() => createAuth({ ...base, emails: { verification: 'hello' } as never })).toThrow(/must be a function/);
    expect(() => createAuth({ ...base, mailTimeout: 0 })).toThrow(/mailTimeout/);
  });

  it('never puts a password into any message of any flow', async () => {
    const t = testAuth({ emailVerification: { method: 'both', requiredForLogin: false } });
    const { user, tokens } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.register({ email: 'ada@example.com', password: 'Register-Again-11' }).catch(() => {});
    await t.auth.resendVerification({ email: 'ada@example.com' });
    await t.auth.changePassword({ userId: user.id, sessionId: tokens?.sessionId ?? '', currentPassword: PASSWORD, newPassword: 'Changed-Secret-22' });
    await t.auth.requestPasswordReset({ email: 'ada@example.com' });
    const reset = tokenIn(await mailTo(t, 'ada@example.com'));
    await t.auth.confirmPasswordReset({ token: reset, password: 'Reset-Secret-33' });
    await t.auth.requestEmailChange({ userId: user.id, password: 'Reset-Secret-33', newEmail: 'ada@new.example' });
    await t.auth.settled();
    expect(t.mailer.messages.length).toBeGreaterThanOrEqual(7);
    for (const message of t.mailer.messages) {
      for (const secret of [PASSWORD, 'Register-Again-11', 'Changed-Secret-22', 'Reset-Secret-33']) {
        expect(`${message.subject}${message.text}${message.html}`).not.toContain(secret);
      }
    }
  });

  it('tells the owner of an address that someone tried to register with it, with the reset page', async () => {
    const t = testAuth();
    await registeredUser(t);
    await t.auth.settled();
    t.mailer.clear();
    await t.auth.register({ email: 'ADA@example.com', password: 'Other-Password-9' });
    const message = await mailTo(t, 'ada@example.com');
    expect(message.subject).toBe('Sign-up attempt with your Gatehouse address');
    expect(message.text).toContain('https://app.example.com/reset-password');
    expect(message.text).not.toContain('token=');
    expect(t.mailer.messages).toHaveLength(1);
  });

  it('sends at most 3 sign-up-attempt notices an hour to one address, so sign-ups cannot flood an inbox', async () => {
    const t = testAuth();
    await registeredUser(t);
    await t.auth.settled();
    t.mailer.clear();
    for (let attempt = 0; attempt < 5; attempt += 1) await t.auth.register({ email: 'ada@example.com', password: 'Other-Password-9' });
    await t.auth.settled();
    expect(t.mailer.messages).toHaveLength(3);
    t.clock.advance(3_600_000);
    await t.auth.register({ email: 'ada@example.com', password: 'Other-Password-9' });
    await t.auth.settled();
    expect(t.mailer.messages).toHaveLength(4);
  });
});
