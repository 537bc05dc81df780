import { describe, expect, it } from 'vitest';
import { sha256 } from './crypto.js';
import { CODE_ALPHABET, codeHash, consumeCode, consumeLinkToken, issueCode, issueLinkToken, normalizeCode } from './one-time-tokens.js';
import { START, testAuth } from '../test-support/auth-fixtures.js';

describe('one-time tokens', () => {
  it('draws codes of 6 characters from an alphabet without 0, O, 1 or I', async () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[0O1I]/);
    const { auth } = testAuth();
    const codes = new Set<string>();
    for (let index = 0; index < 200; index += 1) {
      codes.add(await issueCode(auth.context, { userId: `u${index}`, purpose: 'email-verification-code', ttl: 600, now: new Date(START), data: null, attempts: 5 }));
    }
    for (const code of codes) expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
    expect(codes.size).toBeGreaterThan(195);
  });

  it('stores only the SHA-256 of a link token, and of a code salted with its user and purpose', async () => {
    const { auth, store } = testAuth();
    const now = new Date(START);
    const token = await issueLinkToken(auth.context, { userId: 'u1', purpose: 'password-reset', ttl: 3600, now, data: 'a@example.com' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await store.findOneTimeToken(sha256(token));
    expect(stored).toMatchObject({ userId: 'u1', purpose: 'password-reset', attemptsLeft: null, data: 'a@example.com', usedAt: null });
    expect(JSON.stringify(stored)).not.toContain(token);

    const code = await issueCode(auth.context, { userId: 'u1', purpose: 'email-verification-code', ttl: 600, now, data: null, attempts: 5 });
    expect(await store.findOneTimeToken(sha256(code))).toBeNull();
    expect(await store.findOneTimeToken(codeHash('u1', 'email-verification-code', code))).toMatchObject({ attemptsLeft: 5 });
    expect(codeHash('u1', 'email-verification-code', code)).not.toBe(codeHash('u2', 'email-verification-code', code));
    expect(codeHash('u1', 'email-verification-code', code)).not.toBe(codeHash('u1', 'email-change-code', code));
  });

  it('reads a code the way people type it', () => {
    expect(normalizeCode(' abc-d2 3 ')).toBe('ABCD23');
    expect(normalizeCode('ＡＢＣ２３４')).toBe('ABC234');
  });

  it('consumes a token only for its own purpose', async () => {
    const { auth } = testAuth();
    const now = new Date(START);
    const token = await issueLinkToken(auth.context, { userId: 'u1', purpose: 'password-reset', ttl: 3600, now, data: null });
    expect(await consumeLinkToken(auth.context, token, 'email-verification', now)).toEqual({ ok: false, reason: 'invalid', record: null });
    expect(await consumeLinkToken(auth.context, token, 'password-reset', now)).toMatchObject({ ok: true });
    expect(await consumeLinkToken(auth.context, token, 'password-reset', now)).toMatchObject({ ok: false, reason: 'used' });
  });

  it('counts wrong guesses and reports the one that voids the code', async () => {
    const { auth } = testAuth();
    const now = new Date(START);
    const code = await issueCode(auth.context, { userId: 'u1', purpose: 'email-verification-code', ttl: 600, now, data: null, attempts: 2 });
    const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    expect(await consumeCode(auth.context, 'u1', 'email-verification-code', wrong, now)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await consumeCode(auth.context, 'u1', 'email-verification-code', wrong, now)).toMatchObject({ ok: false, reason: 'attempts_exhausted' });
    expect(await consumeCode(auth.context, 'u1', 'email-verification-code', code, now)).toMatchObject({ ok: false, reason: 'used' });
  });
});
