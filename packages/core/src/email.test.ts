import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normalizeEmail('  Ada.Lovelace+Notes@Example.COM\t')).toBe('ada.lovelace+notes@example.com');
    expect(normalizeEmail('ＡＤＡ＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('ada@example.com');
    expect(normalizeEmail('ada@xn--bcher-kva.example')).toBe('ada@xn--bcher-kva.example');
  });

  it.each([
    ['quoted local part', '"ada lovelace"@example.com'],
    ['no at sign', 'ada.example.com'],
    ['two at signs', 'ada@lovelace@example.com'],
    ['empty local part', '@example.com'],
    ['no dot in domain', 'ada@localhost'],
    ['IP literal', 'ada@[127.0.0.1]'],
    ['leading dot', '.ada@example.com'],
    ['double dot', 'ada..l@example.com'],
    ['label starting with a dash', 'ada@-example.com'],
    ['numeric TLD', 'ada@example.123'],
    ['Cyrillic a in the local part', 'аda@example.com'],
    ['Cyrillic a in the domain', 'ada@exаmple.com'],
    ['NUL byte', 'ada\u0000@example.com'],
    ['space inside', 'ada lovelace@example.com'],
    ['comment', 'ada(comment)@example.com'],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
    ['address over 254', `ada@${'a'.repeat(250)}.com`],
    ['huge input', 'a'.repeat(100_000)],
  ])('refuses %s', (_name, input) => {
    expect(normalizeEmail(input)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(normalizeEmail(42 as never)).toBeNull();
    expect(normalizeEmail(undefined as never)).toBeNull();
  });
});
