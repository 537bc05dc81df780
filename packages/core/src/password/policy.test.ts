import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { assertPasswordPolicy, checkPassword, DEFAULT_PASSWORD_POLICY } from './policy.js';
import type { PasswordPolicy } from './policy.js';

const LENGTH_ONLY: PasswordPolicy = {
  minLength: 8,
  maxLength: 128,
  requireUppercase: false,
  requireLowercase: false,
  requireDigit: false,
  requireSymbol: false,
  blockCommon: false,
  blockContext: false,
};

function codes(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, context?: { email?: string; values?: string[] }): string[] {
  return checkPassword(password, policy, context).map((issue) => issue.code);
}

describe('DEFAULT_PASSWORD_POLICY', () => {
  it('is 8 to 128 characters with upper, lower and digit, no symbol, blocking common and personal passwords', () => {
    expect(DEFAULT_PASSWORD_POLICY).toEqual({
      minLength: 8,
      maxLength: 128,
      requireUppercase: true,
      requireLowercase: true,
      requireDigit: true,
      requireSymbol: false,
      blockCommon: true,
      blockContext: true,
    });
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_PASSWORD_POLICY)).toBe(true);
  });
});

describe('checkPassword', () => {
  it('accepts a password that meets every default rule', () => {
    expect(checkPassword('Vq7mZp2kLx', DEFAULT_PASSWORD_POLICY, { email: 'ada@example.com', values: ['Ada', 'Lovelace'] })).toEqual([]);
  });

  it('reports each issue on the password field with a readable message', () => {
    expect(checkPassword('abc', DEFAULT_PASSWORD_POLICY)).toEqual([
      { field: 'password', code: 'too_short', message: 'Password must be at least 8 characters.' },
      { field: 'password', code: 'missing_uppercase', message: 'Password must contain an uppercase letter.' },
      { field: 'password', code: 'missing_digit', message: 'Password must contain a digit.' },
      { field: 'password', code: 'common_password', message: 'This password is too common. Choose one that is harder to guess.' },
    ]);
  });

  describe('length', () => {
    it('enforces minLength, with the configured number in the message', () => {
      expect(codes('Vq7mZp2', DEFAULT_PASSWORD_POLICY)).toEqual(['too_short']);
      expect(codes('Vq7mZp2k', DEFAULT_PASSWORD_POLICY)).toEqual([]);
      const policy = { ...DEFAULT_PASSWORD_POLICY, minLength: 12 };
      expect(checkPassword('Vq7mZp2kLx', policy)[0]?.message).toBe('Password must be at least 12 characters.');
    });

    it('counts code points, not UTF-16 units', () => {
      // Each of these emoji is two UTF-16 units.
      expect('🔒🔑🐉🌊🎲🧩🪐'.length).toBe(14);
      expect(codes('🔒🔑🐉🌊🎲🧩🪐', LENGTH_ONLY)).toEqual(['too_short']);
      expect(codes('🔒🔑🐉🌊🎲🧩🪐🚀', LENGTH_ONLY)).toEqual([]);
      expect(codes('🔒'.repeat(128), LENGTH_ONLY)).toEqual([]);
      expect(codes('🔒'.repeat(129), LENGTH_ONLY)).toEqual(['too_long']);
    });

    it('accepts exactly 128 characters and refuses 129', () => {
      const base = 'Vq7mZp2kLx';
      expect(codes(base.padEnd(128, 'x'), DEFAULT_PASSWORD_POLICY)).toEqual([]);
      expect(checkPassword(base.padEnd(129, 'x'), DEFAULT_PASSWORD_POLICY)).toEqual([
        { field: 'password', code: 'too_long', message: 'Password must be at most 128 characters.' },
      ]);
    });

    it('reports only too_long for oversized input, whatever else is wrong with it', () => {
      expect(codes('password\0'.repeat(100_000), DEFAULT_PASSWORD_POLICY, { email: 'password@example.com' })).toEqual([
        'too_long',
      ]);
    });
  });

  describe('character classes', () => {
    it('requires an uppercase letter', () => {
      expect(codes('vq7mzp2klx', DEFAULT_PASSWORD_POLICY)).toEqual(['missing_uppercase']);
    });

    it('requires a lowercase letter', () => {
      expect(codes('VQ7MZP2KLX', DEFAULT_PASSWORD_POLICY)).toEqual(['missing_lowercase']);
    });

    it('requires a digit', () => {
      expect(codes('VqxmZpykLx', DEFAULT_PASSWORD_POLICY)).toEqual(['missing_digit']);
    });

    it('requires a symbol only when configured to', () => {
      const policy = { ...DEFAULT_PASSWORD_POLICY, requireSymbol: true };
      expect(codes('Vq7mZp2kLx', DEFAULT_PASSWORD_POLICY)).toEqual([]);
      expect(codes('Vq7mZp2kLx', policy)).toEqual(['missing_symbol']);
      expect(codes('Vq7mZp2kLx!', policy)).toEqual([]);
      expect(codes('Vq7mZp2kLx€', policy)).toEqual([]);
      expect(codes('Vq7mZp2kLx🔒', policy)).toEqual([]);
    });

    it('does not count whitespace or accented letters as symbols', () => {
      const policy = { ...LENGTH_ONLY, requireSymbol: true };
      expect(codes('Vq7mZ p2kLx', policy)).toEqual(['missing_symbol']);
      // "é" written as "e" plus a combining acute accent.
      expect(codes('Vq7mZp2kLe\u0301', policy)).toEqual(['missing_symbol']);
    });

    it('recognises letters and digits in any script', () => {
      expect(codes('Ärger7ßüöx', DEFAULT_PASSWORD_POLICY)).toEqual([]);
      expect(codes('Δέλτα٣κάππα', DEFAULT_PASSWORD_POLICY)).toEqual([]);
      expect(codes('ДЕЛЬТА٣КАППА', DEFAULT_PASSWORD_POLICY)).toEqual(['missing_lowercase']);
    });
  });

  it('can be configured down to a length check only', () => {
    expect(codes('aaaaaaaa', LENGTH_ONLY)).toEqual([]);
    expect(codes('password', LENGTH_ONLY, { email: 'password@example.com' })).toEqual([]);
    expect(codes('aaaaaaa', LENGTH_ONLY)).toEqual(['too_short']);
  });

  describe('common passwords', () => {
    it('refuses a password on the list, ignoring case', () => {
      expect(codes('password', LENGTH_ONLY_WITH_COMMON)).toEqual(['common_password']);
      expect(codes('PaSsWoRd', LENGTH_ONLY_WITH_COMMON)).toEqual(['common_password']);
      expect(codes('12345678', LENGTH_ONLY_WITH_COMMON)).toEqual(['common_password']);
      expect(codes('1q2w3e4r', LENGTH_ONLY_WITH_COMMON)).toEqual(['common_password']);
    });

    it('refuses a common base with trailing digits and symbols even when every class rule is met', () => {
      expect(codes('Password123!', DEFAULT_PASSWORD_POLICY)).toEqual(['common_password']);
      expect(codes('Qwerty2024', DEFAULT_PASSWORD_POLICY)).toEqual(['common_password']);
      expect(codes('Letmein1', DEFAULT_PASSWORD_POLICY)).toEqual(['common_password']);
      expect(codes('Football99#', DEFAULT_PASSWORD_POLICY)).toEqual(['common_password']);
      expect(codes('Abc123!!', DEFAULT_PASSWORD_POLICY)).toEqual(['common_password']);
    });

    it('refuses full-width look-alikes of a common password', () => {
      expect(codes('ＰＡＳＳＷＯＲＤ', LENGTH_ONLY_WITH_COMMON)).toEqual(['common_password']);
    });

    it('matches a stripped base only when it has at least 4 characters', () => {
      const policy = { ...LENGTH_ONLY_WITH_COMMON, minLength: 1 };
      expect(codes('god', policy)).toEqual(['common_password']);
      expect(codes('God2024!', policy)).toEqual([]);
      expect(codes('Love2024!', policy)).toEqual(['common_password']);
    });

    it('does not refuse a common word followed by more letters', () => {
      expect(codes('Passwordless7', DEFAULT_PASSWORD_POLICY)).toEqual([]);
    });
  });

  describe('personal information', () => {
    it('refuses a password containing the email local part, case-insensitively', () => {
      const context = { email: 'jane.doe@example.com' };
      expect(codes('XJane.Doe7y', DEFAULT_PASSWORD_POLICY, context)).toEqual(['contains_personal_info']);
      expect(codes('Vq7mZp2kLx', DEFAULT_PASSWORD_POLICY, context)).toEqual([]);
    });

    it('refuses the part before a +tag in the local part', () => {
      expect(codes('Mallory1x', DEFAULT_PASSWORD_POLICY, { email: 'mallory+shop@example.com' })).toEqual([
        'contains_personal_info',
      ]);
    });

    it('ignores a local part shorter than 3 characters but refuses the whole email', () => {
      const context = { email: 'Jo@example.com' };
      expect(codes('Jo7654321x', DEFAULT_PASSWORD_POLICY, context)).toEqual([]);
      expect(codes('X1jo@example.com', DEFAULT_PASSWORD_POLICY, context)).toEqual(['contains_personal_info']);
    });

    it('refuses context values of 3 or more characters and ignores shorter ones', () => {
      const context = { values: ['Margaret', 'Al', ' mthatcher '] };
      expect(codes('Xmargaret9', DEFAULT_PASSWORD_POLICY, context)).toEqual(['contains_personal_info']);
      expect(codes('MThatcher9', DEFAULT_PASSWORD_POLICY, context)).toEqual(['contains_personal_info']);
      expect(codes('Always9Xal', DEFAULT_PASSWORD_POLICY, context)).toEqual([]);
    });

    it('is skipped when blockContext is false or there is no context', () => {
      const policy = { ...DEFAULT_PASSWORD_POLICY, blockContext: false };
      expect(codes('XJane.Doe7y', policy, { email: 'jane.doe@example.com' })).toEqual([]);
      expect(codes('XJane.Doe7y', DEFAULT_PASSWORD_POLICY)).toEqual([]);
    });
  });

  it('refuses a NUL character', () => {
    expect(checkPassword('Vq7mZp\0kLx', DEFAULT_PASSWORD_POLICY)).toEqual([
      { field: 'password', code: 'invalid_characters', message: 'Password must not contain a NUL character.' },
    ]);
    expect(codes('\0\0\0\0\0\0\0\0', LENGTH_ONLY)).toEqual(['invalid_characters']);
  });

  it('never throws and only reports known codes on the password field, for any input', () => {
    const known = new Set([
      'too_short',
      'too_long',
      'missing_uppercase',
      'missing_lowercase',
      'missing_digit',
      'missing_symbol',
      'common_password',
      'contains_personal_info',
      'invalid_characters',
    ]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string(), (password, email) => {
        const issues = checkPassword(password, { ...DEFAULT_PASSWORD_POLICY, requireSymbol: true }, { email, values: [email] });
        return issues.every((issue) => issue.field === 'password' && known.has(issue.code));
      }),
    );
  });
});

describe('assertPasswordPolicy', () => {
  it('accepts the default policy and the length-only policy', () => {
    expect(() => assertPasswordPolicy(DEFAULT_PASSWORD_POLICY)).not.toThrow();
    expect(() => assertPasswordPolicy(LENGTH_ONLY)).not.toThrow();
  });

  it.each([
    ['minLength above maxLength', { minLength: 20, maxLength: 10 }, /minLength.*greater than.*maxLength/],
    ['a fractional minLength', { minLength: 7.5 }, /minLength.*integer/],
    ['a negative minLength', { minLength: -1 }, /minLength.*non-negative/],
    ['maxLength 0', { minLength: 0, maxLength: 0 }, /maxLength.*positive/],
    ['a non-boolean flag', { requireDigit: 'yes' as unknown as boolean }, /requireDigit.*true or false/],
  ])('throws a TypeError for %s, from checkPassword too', (_label, override, message) => {
    const policy = { ...DEFAULT_PASSWORD_POLICY, ...override };
    expect(() => assertPasswordPolicy(policy)).toThrow(TypeError);
    expect(() => assertPasswordPolicy(policy)).toThrow(message);
    expect(() => checkPassword('Vq7mZp2kLx', policy)).toThrow(TypeError);
  });
});

const LENGTH_ONLY_WITH_COMMON: PasswordPolicy = { ...LENGTH_ONLY, blockCommon: true };
