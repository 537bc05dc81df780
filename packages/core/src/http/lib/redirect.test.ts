import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect.js';

const base = 'https://app.example.com';
const allowed = ['https://app.example.com', 'https://admin.example.com'];

describe('safeRedirect', () => {
  it('resolves paths against the base and keeps allowed absolute URLs', () => {
    expect(safeRedirect('/welcome?x=1', base, allowed)).toBe('https://app.example.com/welcome?x=1');
    expect(safeRedirect('https://admin.example.com/done', base, allowed)).toBe('https://admin.example.com/done');
  });

  it('refuses open-redirect spellings', () => {
    const attacks = [
      '//evil.example',
      '/\\evil.example',
      '\\/evil.example',
      '/\t/evil.example',
      ' //evil.example',
      'https://evil.example',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://app.example.com/',
      '',
    ];
    for (const target of attacks) expect(safeRedirect(target, base, allowed), target).toBeNull();
  });
});
