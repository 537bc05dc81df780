import { describe, expect, it } from 'vitest';
import { createAuth } from '../create-auth.js';
import { memoryStore } from '../memory/memory-store.js';
import type { Store } from '../ports/store.js';
import { PASSWORD, integerTestAuth, testAuth } from '../test-support/auth-fixtures.js';
import { resolveUserIds } from './user-ids.js';

const secret = 'x'.repeat(32);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A memory store that declares other user id kinds than it has. */
function storeOfKinds(kinds: unknown): Store {
  return { ...memoryStore(), userIdKinds: kinds as Store['userIdKinds'] };
}

describe('the userIds option', () => {
  it("defaults to UUIDs that Gatehouse chooses, as strings", async () => {
    const t = testAuth();
    const { user } = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(user.id).toMatch(UUID);
    expect(t.auth.config.userIds).toMatchObject({ strategy: 'uuid', kind: 'string' });
  });

  it("'integer': the store assigns 1, 2, 3, … and every id is a number", async () => {
    const t = integerTestAuth();
    const first = await t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    const second = await t.auth.register({ email: 'bob@example.com', password: PASSWORD });
    expect([first.user.id, second.user.id]).toEqual([1, 2]);
    expect(await t.store.findUserByEmail('bob@example.com')).toMatchObject({ id: 2 });
    expect(t.events.find((event) => event.type === 'user.registered')).toMatchObject({ userId: 1 });
  });

  it("{ generate }: the app's own ids, from a plain or an async function", async () => {
    let next = 0;
    const t = testAuth({ userIds: { generate: () => `usr_${(next += 1)}` } });
    expect((await t.auth.register({ email: 'ada@example.com', password: PASSWORD })).user.id).toBe('usr_1');
    const async = testAuth({ userIds: { generate: async () => 'user-from-a-service' } });
    expect((await async.auth.register({ email: 'ada@example.com', password: PASSWORD })).user.id).toBe('user-from-a-service');
  });

  it.each([
    ['an empty string', ''],
    ['a string with a space', 'usr 1'],
    ['a string over 128 characters', 'u'.repeat(129)],
    ['a number', 42],
    ['nothing', undefined],
  ])('refuses a generated id that is %s, and creates no user', async (_, id) => {
    const t = testAuth({ userIds: { generate: () => id as string } });
    const refusal = t.auth.register({ email: 'ada@example.com', password: PASSWORD });
    await expect(refusal).rejects.toThrow(TypeError);
    await expect(refusal).rejects.toThrow(/userIds\.generate\(\) gave .*; it must return a new id of 1 to 128 visible ASCII characters/);
    expect(await t.store.findUserByEmail('ada@example.com')).toBeNull();
  });

  it('refuses an unknown option at createAuth, saying what it may be', () => {
    expect(() => createAuth({ store: memoryStore(), secret, userIds: 'bigint' as never })).toThrow(TypeError);
    expect(() => createAuth({ store: memoryStore(), secret, userIds: 'bigint' as never })).toThrow(/userIds: must be 'uuid' \(the default\), 'integer' .* or an object \{ generate\(\) \}/);
    expect(() => createAuth({ store: memoryStore(), secret, userIds: { generate: 'usr_1' } as never })).toThrow(/userIds: must be/);
  });

  it("refuses 'integer' over a store that cannot assign ids, naming the stores that can", () => {
    const create = (): unknown => createAuth({ store: storeOfKinds(undefined), secret, userIds: 'integer' });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/userIds: 'integer' needs a store that assigns user ids itself.*kyselyStore\(db, \{ userIds: 'integer' \}\)/s);
    expect(() => createAuth({ store: storeOfKinds(['string']), secret, userIds: 'integer' })).toThrow(/needs a store that assigns user ids itself/);
  });

  it('refuses string ids over a store that only assigns integer ids, saying to set userIds', () => {
    expect(() => createAuth({ store: storeOfKinds(['integer']), secret })).toThrow(/this store assigns integer user ids itself.*set userIds: 'integer'/s);
    expect(() => createAuth({ store: storeOfKinds(['integer']), secret, userIds: { generate: () => 'x' } })).toThrow(/set userIds: 'integer'/);
    expect(() => createAuth({ store: storeOfKinds(['integer']), secret, userIds: 'integer' })).not.toThrow();
  });

  it('refuses a store whose userIdKinds is not a list of kinds', () => {
    for (const kinds of [[], ['bigint'], 'integer', [1]]) {
      expect(() => createAuth({ store: storeOfKinds(kinds), secret })).toThrow(/store\.userIdKinds: must be a non-empty array of 'string' and 'integer'/);
    }
  });

  it('fails register with a clear TypeError when a store assigns no id, and takes a decimal string as the number', async () => {
    const silent = integerTestAuth({ store: { ...memoryStore(), createUser: async () => undefined } });
    await expect(silent.auth.register({ email: 'ada@example.com', password: PASSWORD })).rejects.toThrow(
      /store\.createUser assigned no valid id \(it returned undefined\); with userIds: 'integer' it must return the new user's id/,
    );
    const inner = memoryStore();
    const asText = integerTestAuth({ store: { ...inner, createUser: async (user) => String(await inner.createUser(user)) } });
    const { user } = await asText.auth.register({ email: 'ada@example.com', password: PASSWORD });
    expect(user.id).toBe(1);
  });
});

describe('resolveUserIds().parse', () => {
  it('reads integer ids from numbers, decimal strings and bigints, and nothing else', () => {
    const { parse } = resolveUserIds('integer');
    expect([parse(7), parse('7'), parse(7n), parse(String(Number.MAX_SAFE_INTEGER))]).toEqual([7, 7, 7, Number.MAX_SAFE_INTEGER]);
    for (const bad of [0, -1, 1.5, '07', '1e3', ' 7', '', String(Number.MAX_SAFE_INTEGER + 2), 2n ** 60n, null, undefined, 'abc']) {
      expect(parse(bad)).toBeNull();
    }
  });

  it('reads string ids as they are, and never a number', () => {
    const { parse } = resolveUserIds('uuid');
    expect(parse('7')).toBe('7');
    expect(parse('usr_1')).toBe('usr_1');
    expect([parse(7), parse(''), parse('x'.repeat(129))]).toEqual([null, null, null]);
  });
});
