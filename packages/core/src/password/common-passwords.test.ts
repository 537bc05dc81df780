import { describe, it, expect } from 'vitest';
import { commonPasswordSet, isCommonPassword } from './common-passwords.js';

describe('commonPasswordSet', () => {
  it('holds several hundred lower-case entries without whitespace', () => {
    const set = commonPasswordSet();
    expect(set.size).toBeGreaterThanOrEqual(500);
    for (const entry of set) {
      expect(entry).toBe(entry.toLowerCase());
      expect(entry).toMatch(/^\S+$/);
    }
  });

  it('includes the usual bases and keyboard walks', () => {
    const set = commonPasswordSet();
    const expected = [
      'password', 'qwerty', 'letmein', 'welcome', 'monkey', 'dragon', 'football', 'iloveyou', 'admin',
      'sunshine', 'princess', 'abc123', '123456', 'qwertyuiop', '1qaz2wsx', 'asdfghjkl', 'zxcvbnm', 'trustno1',
    ];
    for (const entry of expected) {
      expect(set.has(entry), entry).toBe(true);
    }
  });

  it('returns the same set on every call', () => {
    expect(commonPasswordSet()).toBe(commonPasswordSet());
  });
});

describe('isCommonPassword', () => {
  it.each(['password', 'PASSWORD', 'Password123!', 'Qwerty2024', 'Letmein1', 'iloveyou!!', 'abc123!', 'Dragon_2023'])(
    'matches %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['Vq7mZp2kLx', 'god2024!', 'passwordless', 'correct horse battery staple', '', '2024!'])(
    'does not match %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
