import { describe, expect, it, vi } from 'vitest';
import { PASSWORD, testAuth } from '../test-support/auth-fixtures.js';
import { consoleMailer } from './console-mailer.js';

describe('consoleMailer', () => {
  it('prints the recipient, the subject and the text part, with the link and the code on their own lines', async () => {
    const output: string[] = [];
    const t = testAuth({ mailer: consoleMailer({ write: (text) => void output.push(text) }), emailVerification: { method: 'both' } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.settled();
    expect(output).toHaveLength(1);
    const lines = (output[0] ?? '').split('\n');
    expect(lines).toContain('To:      ada@example.com');
    expect(lines).toContain('Subject: Confirm your email address for Gatehouse');
    expect(lines.some((line) => /^https:\/\/app\.example\.com\/auth\/verify-email\/[A-Za-z0-9_-]{43}$/.test(line))).toBe(true);
    expect(lines.some((line) => /^[A-Z2-9]{6}$/.test(line))).toBe(true);
    expect(output[0]).not.toContain('<html');
  });

  it('writes to standard output by default', async () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await consoleMailer().send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello', html: '<p>Hello</p>' });
      expect(spy).toHaveBeenCalledWith(expect.stringContaining('Subject: Hi'));
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a write option that is not a function', () => {
    expect(() => consoleMailer({ write: 'stdout' as never })).toThrow(TypeError);
  });
});
