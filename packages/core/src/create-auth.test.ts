import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAuth } from './create-auth.js';
import { memoryStore } from './memory/memory-store.js';
import { PASSWORD, TEST_SECRET, testAuth } from './test-support/auth-fixtures.js';

function configError(config: unknown): string {
  try {
    createAuth(config as never);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('createAuth accepted the config');
}

describe('createAuth', () => {
  it('fails early, saying what to fix', () => {
    expect(configError({ store: memoryStore(), secret: 'short' })).toMatch(/secret: must be at least 32 bytes/);
    expect(configError({ store: memoryStore() })).toMatch(/give `secret`.*or `keys`/);
    expect(configError({ secret: TEST_SECRET })).toMatch(/store: must be a Store/);
    expect(configError({ store: {}, secret: TEST_SECRET })).toMatch(/store: must be a Store \(an object with createUser\(\)/);
    const { voidOneTimeTokens: _missing, ...incomplete } = memoryStore();
    expect(configError({ store: incomplete, secret: TEST_SECRET })).toMatch(/store: must be a Store .*voidOneTimeTokens\(\)/);
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, appUrl: 'app.example.com' })).toMatch(/appUrl: must be an absolute http\(s\) URL/);
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, accessToken: { ttl: '15 minutes' } })).toMatch(/accessToken.ttl/);
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, password: { minLength: 20, maxLength: 10 } })).toMatch(/minLength must not exceed maxLength/);
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, profile: z.object({ role: z.string() }) })).toMatch(
      /profile: role belong to the account/,
    );
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, keys: [] })).toMatch(/either `secret` or `keys`|keys/);
  });

  it('refuses an option it does not know, so a misspelt one is not silently ignored', () => {
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, sesion: { maxPerUser: 1 } })).toMatch(/config: Unrecognized key: "sesion"/);
    expect(configError({ store: memoryStore(), secret: TEST_SECRET, emailVerification: { codeonly: true } })).toMatch(/emailVerification: Unrecognized key: "codeonly"/);
  });

  it('refuses unusable key sets', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ed = generateKeyPairSync('ed25519');
    expect(configError({ store: memoryStore(), keys: [{ kid: 'r', privateKey: rsa.privateKey }] })).toMatch(/Ed25519 \(EdDSA\) or P-256/);
    expect(configError({ store: memoryStore(), keys: [{ kid: 'p', publicKey: ed.publicKey }] })).toMatch(/at least one key needs a privateKey/);
    expect(configError({ store: memoryStore(), keys: [{ kid: 'a', privateKey: ed.privateKey }, { kid: 'a', publicKey: ed.publicKey }] })).toMatch(
      /used twice/,
    );
    expect(configError({ store: memoryStore(), keys: [{ kid: 'x', privateKey: { kty: 'OKP' } }] })).toMatch(/could not be read/);
  });

  it('accepts durations as seconds or strings', async () => {
    const t = testAuth({ accessToken: { ttl: '2m' } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const t2 = testAuth({ accessToken: { ttl: 60 }, emailVerification: { requiredForLogin: false } });
    const { tokens } = await t2.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(tokens?.expiresIn).toBe(60);
    expect(t.auth.config.accessToken.ttl).toBe(120);
  });

  it('keeps two instances in one process apart', async () => {
    const a = testAuth({ emailVerification: { requiredForLogin: false } });
    const b = testAuth({ emailVerification: { requiredForLogin: false }, secret: 'another-secret-'.padEnd(32, 'z') });
    const { tokens } = await a.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(b.auth.authenticate(tokens?.accessToken ?? '')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(b.auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('never puts a password, token or hash into an event, and survives a failing event sink', async () => {
    const seen: unknown[] = [];
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    const thrower = testAuth({
      emailVerification: { requiredForLogin: false },
      onEvent: () => {
        throw new Error('sink down');
      },
      logger: { warn() {}, error: (message) => seen.push(message) },
    });
    const { tokens } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const next = await t.auth.refresh({ refreshToken: tokens?.refreshToken ?? '' });
    await t.auth.login({ email: 'ada@example.com', password: 'Wrong-Password-7' }).catch(() => {});
    const text = JSON.stringify(t.events);
    for (const secret of [PASSWORD, 'Wrong-Password-7', tokens?.accessToken, tokens?.refreshToken, next.tokens.refreshToken, '$argon2id$']) {
      expect(text).not.toContain(secret);
    }
    await expect(thrower.auth.register({ email: 'ada@example.com', password: PASSWORD })).resolves.toBeTruthy();
    expect(seen).toContain('gatehouse: onEvent failed');
  });
});

describe('createAuth logging', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function warningsOf(config: Record<string, unknown>): string[] {
    const warnings: string[] = [];
    createAuth({ store: memoryStore(), secret: TEST_SECRET, logger: { warn: (message: string) => void warnings.push(message), error() {} }, ...config } as never);
    return warnings;
  }

  it('warns about configurations that cannot work as meant, and says what to set', () => {
    expect(warningsOf({})).toEqual([expect.stringMatching(/no mailer is configured.*consoleMailer\(\).*requiredForLogin: false/)]);
    expect(warningsOf({ emailVerification: { requiredForLogin: false } })).toEqual([]);
    expect(warningsOf({ emailVerification: { requiredForLogin: false }, secret: 'a'.repeat(40) })).toEqual([expect.stringMatching(/the secret repeats one or two characters/)]);
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const quiet = { emailVerification: { requiredForLogin: false } };
      expect(warningsOf({ ...quiet, appUrl: 'http://app.example.com' })).toEqual([expect.stringMatching(/appUrl is http:\/\/app.example.com in production.*Use https/)]);
      expect(warningsOf({ ...quiet, appUrl: 'http://localhost:3000' })).toEqual([]);
      expect(warningsOf({ ...quiet, appUrl: 'https://app.example.com' })).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('logs to the console by default, with what to do about a missing table; logger: false is silent', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const missingTable = { ...memoryStore(), findUserByEmail: () => Promise.reject(new Error('no such table: gatehouse_users')) };
    const auth = createAuth({ store: missingTable, secret: TEST_SECRET });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no mailer is configured/));
    await expect(auth.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/store.findUserByEmail failed: a Gatehouse table is missing: run migrateToLatest\(db\)/), expect.anything());

    error.mockClear();
    warn.mockClear();
    const quiet = createAuth({ store: missingTable, secret: TEST_SECRET, logger: false });
    await expect(quiet.login({ email: 'ada@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect([error.mock.calls, warn.mock.calls]).toEqual([[], []]);
  });
});
