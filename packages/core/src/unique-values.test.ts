import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuth } from './create-auth.js';
import { AuthError } from './errors.js';
import { memoryStore } from './memory/memory-store.js';
import { TEST_SECRET } from './test-support/auth-fixtures.js';
import { asProfileError, normalizeUniqueValue, uniqueValueTakenError, uniqueValuesOf } from './unique-values.js';

describe('normalizeUniqueValue', () => {
  it('folds case, width and surrounding space of strings, so look-alike usernames are one', () => {
    for (const spelling of ['ada', 'Ada', ' ADA ', 'ＡＤＡ', '\u3000ada\t']) expect(normalizeUniqueValue(spelling)).toBe('ada');
    // NFKC: the ligature ﬁ is "fi"; an accent is kept (müller is not muller).
    expect(normalizeUniqueValue('ﬁsh')).toBe('fish');
    expect(normalizeUniqueValue('Müller')).toBe('müller');
    expect(normalizeUniqueValue('Müller')).not.toBe(normalizeUniqueValue('Muller'));
  });

  it('treats missing, null and blank values as none: they are never unique-checked', () => {
    for (const none of [undefined, null, '', '   ']) expect(normalizeUniqueValue(none)).toBeNull();
  });

  it('compares numbers, bigints and booleans by their text, and refuses values that cannot be compared', () => {
    expect(normalizeUniqueValue(42)).toBe('42');
    expect(normalizeUniqueValue(42)).toBe(normalizeUniqueValue('42'));
    expect(normalizeUniqueValue(-0)).toBe('0');
    expect(normalizeUniqueValue(10n)).toBe('10');
    expect(normalizeUniqueValue(true)).toBe('true');
    for (const value of [{}, [], new Date(0), Number.NaN, Number.POSITIVE_INFINITY]) expect(() => normalizeUniqueValue(value)).toThrow(TypeError);
  });
});

describe('uniqueValuesOf and asProfileError', () => {
  it('gives the store one value per configured field that has one', () => {
    expect(uniqueValuesOf(['username', 'handle', 'code'], { username: ' Ada ', handle: null, firstName: 'Ada', code: 7 })).toEqual([
      { field: 'username', value: 'ada' },
      { field: 'code', value: '7' },
    ]);
  });

  it("reports a store's refusal under profile.<field>, and passes anything else on as it is", () => {
    const reported = asProfileError(uniqueValueTakenError('username'));
    expect(reported).toBeInstanceOf(AuthError);
    expect(reported).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'profile.username', code: 'taken', message: 'This value is already taken.' }] });
    const other = new AuthError('EMAIL_TAKEN');
    expect(asProfileError(other)).toBe(other);
    const invalid = new AuthError('VALIDATION_FAILED', undefined, { fields: [{ field: 'email', code: 'invalid_email', message: 'x' }] });
    expect(asProfileError(invalid)).toBe(invalid);
  });
});

describe('the uniqueProfileFields option', () => {
  const base = { store: memoryStore(), secret: TEST_SECRET };

  it('resolves to the fields without repeats, and to none by default', () => {
    expect(createAuth({ ...base, uniqueProfileFields: ['username', 'username'] }).config.uniqueProfileFields).toEqual(['username']);
    expect(createAuth(base).config.uniqueProfileFields).toEqual([]);
  });

  it('refuses at start-up a name that is not a field of the profile schema, naming the fields there are', () => {
    expect(() => createAuth({ ...base, uniqueProfileFields: ['usename' as 'username'] })).toThrow(TypeError);
    expect(() => createAuth({ ...base, uniqueProfileFields: ['usename' as 'username'] })).toThrow(
      /uniqueProfileFields: "usename" is not a field of the profile schema \(its fields: firstName, lastName, phone, username\)/,
    );
    expect(() => createAuth({ ...base, uniqueProfileFields: ['toString' as 'username'] })).toThrow(/"toString" is not a field/);
    expect(() => createAuth({ ...base, uniqueProfileFields: 'username' as never })).toThrow(/uniqueProfileFields/);
  });

  it('refuses a field whose values cannot be compared: objects, arrays, dates', () => {
    const profile = z.object({ username: z.string(), address: z.object({ city: z.string() }).optional(), tags: z.array(z.string()).default([]), born: z.date().nullable() });
    expect(() => createAuth({ ...base, profile, uniqueProfileFields: ['address'] })).toThrow(/"address" cannot be unique: its values are objects/);
    expect(() => createAuth({ ...base, profile, uniqueProfileFields: ['tags'] })).toThrow(/"tags" cannot be unique: its values are arrays/);
    expect(() => createAuth({ ...base, profile, uniqueProfileFields: ['born'] })).toThrow(/"born" cannot be unique: its values are of type date/);
    expect(createAuth({ ...base, profile, uniqueProfileFields: ['username'] }).config.uniqueProfileFields).toEqual(['username']);
  });

  it('refuses a store that does not enforce unique values, so duplicates are never accepted silently', () => {
    const { enforcesUniqueValues: _, ...plain } = memoryStore();
    expect(() => createAuth({ ...base, store: plain, uniqueProfileFields: ['username'] })).toThrow(/the store does not enforce unique values .*enforcesUniqueValues: true/);
    // Without unique fields, such a store is fine.
    expect(() => createAuth({ ...base, store: plain })).not.toThrow();
  });
});
