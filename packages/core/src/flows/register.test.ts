import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { PASSWORD, caught, testAuth } from '../test-support/auth-fixtures.js';

describe('register', () => {
  it('creates a pending user with a normalized email, default role and profile, hashed with argon2id', async () => {
    const t = testAuth();
    const { user, tokens, verificationRequired } = await t.auth.register({
      email: ' Ada.Lovelace@Example.COM ',
      password: PASSWORD,
      profile: { firstName: ' Ada ', lastName: 'Lovelace' },
    });
    expect(user).toMatchObject({
      email: 'ada.lovelace@example.com',
      emailVerified: false,
      emailVerifiedAt: null,
      role: 'user',
      status: 'pending',
      profile: { firstName: 'Ada', lastName: 'Lovelace' },
      createdAt: t.clock.now(),
      lastLoginAt: null,
    });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tokens).toBeNull();
    expect(verificationRequired).toBe(true);
    const stored = await t.store.findUserByEmail('ada.lovelace@example.com');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
  });

  it('hands out tokens at once when login does not require verification', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    const { user, tokens } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(tokens).not.toBeNull();
    expect((await t.auth.authenticate(tokens?.accessToken ?? '')).userId).toBe(user.id);
    expect(user.lastLoginAt).toEqual(t.clock.now());
  });

  it('answers a taken address exactly like a new one when verification is required, with the same hashing work', async () => {
    const t = testAuth();
    const first = await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { firstName: 'Ada' } });
    const before = { ...t.hasher.calls };
    const again = await t.auth.register({ email: 'ADA@example.com', password: 'Other-Password-9', profile: { firstName: 'Eve' } });
    const afterExisting = { ...t.hasher.calls };
    const fresh = await t.auth.register({ email: 'new@example.com', password: 'Other-Password-9', profile: { firstName: 'Eve' } });
    const afterNew = { ...t.hasher.calls };
    expect(Object.keys(again).sort()).toEqual(Object.keys(fresh).sort());
    expect({ ...again.user, id: '', email: '' }).toEqual({ ...fresh.user, id: '', email: '' });
    expect(again.user.id).not.toBe(first.user.id);
    expect(again.tokens).toBeNull();
    expect(afterExisting.hash - before.hash).toBe(afterNew.hash - afterExisting.hash);
    expect(afterExisting.verify - before.verify).toBe(afterNew.verify - afterExisting.verify);
    // the account was not touched
    const stored = await t.store.findUserByEmail('ada@example.com');
    expect(stored?.profile).toEqual({ firstName: 'Ada' });
    expect(stored?.id).toBe(first.user.id);
    expect(t.events.some((e) => e.type === 'user.register_existing')).toBe(true);
  });

  it('reports EMAIL_TAKEN when verification is not required (enumeration is not a concern there)', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.register({ email: 'Ada@Example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('creates one account under 50 parallel registrations of one email', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => t.auth.register({ email: i % 2 ? 'ada@example.com' : 'ADA@example.com', password: PASSWORD })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as AuthError).code] : []));
    expect(new Set(codes)).toEqual(new Set(['EMAIL_TAKEN']));
  });

  it('applies the password policy and reports each broken rule on the password field', async () => {
    const t = testAuth();
    const error = await caught(t.auth.register({ email: 'ada@example.com', password: 'short' }));
    expect(error.code).toBe('WEAK_PASSWORD');
    expect(error.fields?.map((f) => f.code)).toEqual(expect.arrayContaining(['too_short', 'missing_uppercase', 'missing_digit']));
    for (const password of ['Password123', 'Qwerty2024!']) {
      await expect(t.auth.register({ email: 'ada@example.com', password })).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
        fields: [expect.objectContaining({ code: 'common_password' })],
      });
    }
    await expect(t.auth.register({ email: 'lovelace@example.com', password: 'Lovelace-1815' })).rejects.toMatchObject({
      fields: [expect.objectContaining({ code: 'contains_personal_info' })],
    });
    await expect(
      t.auth.register({ email: 'ada@example.com', password: 'Babbage-Engine-9', profile: { lastName: 'Babbage' } }),
    ).rejects.toMatchObject({ fields: [expect.objectContaining({ code: 'contains_personal_info' })] });
    expect(t.hasher.calls.hash).toBe(0);
  });

  it('can be configured down to a length-only policy', async () => {
    const t = testAuth({
      password: { requireUppercase: false, requireLowercase: false, requireDigit: false, blockCommon: false, blockContext: false, minLength: 10 },
    });
    await expect(t.auth.register({ email: 'ada@example.com', password: 'alllowercase' })).resolves.toBeTruthy();
    await expect(t.auth.register({ email: 'bob@example.com', password: 'short' })).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
  });

  it('never lets profile input set account fields (mass assignment)', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    const { user } = await t.auth.register({
      email: 'ada@example.com',
      password: PASSWORD,
      profile: { firstName: 'Ada', role: 'admin', status: 'active', emailVerified: true, emailVerifiedAt: new Date(), passwordHash: 'x' } as never,
      ...({ role: 'admin', status: 'active', emailVerifiedAt: new Date() } as object),
    });
    expect(user).toMatchObject({ role: 'user', status: 'pending', emailVerified: false, profile: { firstName: 'Ada' } });
    const stored = await t.store.findUserById(user.id);
    expect(stored).toMatchObject({ role: 'user', status: 'pending', emailVerifiedAt: null, profile: { firstName: 'Ada' } });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('validates email and profile input with field-level issues', async () => {
    const t = testAuth();
    for (const email of ['"ada"@example.com', 'ada@localhost', 'ada@@example.com', 'аda@example.com', 'ada@exаmple.com', 'a\u0000@example.com', '']) {
      await expect(t.auth.register({ email, password: PASSWORD })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [expect.objectContaining({ field: 'email' })],
      });
    }
    await expect(t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { firstName: 'x'.repeat(101) } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ field: 'profile.firstName', code: 'too_long' })],
    });
    expect(t.hasher.calls.hash).toBe(0);
  });

  it('treats a full-width ＠ as the same address (NFKC), so it cannot create a second account', async () => {
    const t = testAuth({ emailVerification: { requiredForLogin: false } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(t.auth.register({ email: 'ada＠example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('uses a custom profile schema, typed end to end', async () => {
    const { z } = await import('zod');
    const t = testAuth({ profile: z.object({ displayName: z.string().min(2), newsletter: z.boolean().default(false) }) as never });
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { displayName: 'Ada' } as never });
    expect(user.profile).toEqual({ displayName: 'Ada', newsletter: false });
    await expect(t.auth.register({ email: 'bob@example.com', password: PASSWORD, profile: {} })).rejects.toMatchObject({
      fields: [expect.objectContaining({ field: 'profile.displayName', code: 'required' })],
    });
  });
});

describe('register with unique profile fields (uniqueProfileFields)', () => {
  const taken = { code: 'VALIDATION_FAILED', fields: [{ field: 'profile.username', code: 'taken', message: 'This value is already taken.' }] };

  it('refuses a username another account holds, compared after NFKC, trimming and case, and creates no account', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'Ada' } });
    for (const [index, username] of ['ada', ' ADA ', 'ＡＤＡ'].entries()) {
      const email = `eve${index}@example.com`;
      await expect(t.auth.register({ email, password: PASSWORD, profile: { username } })).rejects.toMatchObject(taken);
      expect(await t.store.findUserByEmail(email)).toBeNull();
    }
    // The stored profile keeps the spelling its owner chose.
    expect((await t.store.findUserByEmail('ada@example.com'))?.profile).toEqual({ username: 'Ada' });
    await t.auth.register({ email: 'bob@example.com', password: PASSWORD, profile: { username: 'ada_' } });
  });

  it('lets any number of accounts register without a value', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await t.auth.register({ email: 'bob@example.com', password: PASSWORD, profile: { firstName: 'Bob' } });
    expect(await t.store.findUserByEmail('bob@example.com')).not.toBeNull();
  });

  it('with verification required, answers a taken username the same whether or not the email has an account, and a taken email alone like a new one', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    const ada = await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'ada' } });
    // Taken username: refused, for a new address and for Ada's own.
    await expect(t.auth.register({ email: 'new@example.com', password: PASSWORD, profile: { username: 'ada' } })).rejects.toMatchObject(taken);
    await expect(t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'ada' } })).rejects.toMatchObject(taken);
    // Taken address, free username: the usual look-alike answer; the username stays free.
    const again = await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'lovelace' } });
    expect(again.verificationRequired).toBe(true);
    expect(again.user.id).not.toBe(ada.user.id);
    expect((await t.store.findUserByEmail('ada@example.com'))?.profile).toEqual({ username: 'ada' });
    await t.auth.register({ email: 'grace@example.com', password: PASSWORD, profile: { username: 'Lovelace' } });
    expect((await t.store.findUserByEmail('grace@example.com'))?.profile).toEqual({ username: 'Lovelace' });
  });

  it('without required verification, reports a taken username before a taken email', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'], emailVerification: { requiredForLogin: false } });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'ada' } });
    await expect(t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'ada' } })).rejects.toMatchObject(taken);
    await expect(t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { username: 'other' } })).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    await t.auth.register({ email: 'other@example.com', password: PASSWORD, profile: { username: 'other' } });
  });

  it('of 5 concurrent registrations with one username, exactly one creates an account', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    const emails = Array.from({ length: 5 }, (_, index) => `racer${index}@example.com`);
    const results = await Promise.allSettled(emails.map((email) => t.auth.register({ email, password: PASSWORD, profile: { username: 'ada' } })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject(taken);
    const created = await Promise.all(emails.map((email) => t.store.findUserByEmail(email)));
    expect(created.filter((user) => user !== null)).toHaveLength(1);
  });

  it('accepts duplicates of a field that is not declared unique', async () => {
    const t = testAuth({ uniqueProfileFields: ['username'] });
    await t.auth.register({ email: 'ada@example.com', password: PASSWORD, profile: { firstName: 'Ada', username: 'ada' } });
    await t.auth.register({ email: 'ada2@example.com', password: PASSWORD, profile: { firstName: 'Ada', username: 'ada2' } });
    expect((await t.store.findUserByEmail('ada2@example.com'))?.profile).toEqual({ firstName: 'Ada', username: 'ada2' });
  });
});
