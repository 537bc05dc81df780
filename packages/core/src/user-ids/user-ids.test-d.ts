import { expectTypeOf, test } from 'vitest';
import type { AuthConfig } from '../config.js';
import { createAuth, type Auth } from '../create-auth.js';
import type { Identity } from '../flows/authenticate.js';
import { createFetchHandler } from '../http/fetch-handler.js';
import type { UserJson } from '../http/serialize.js';
import type { AuthUser } from '../lib/users.js';
import { memoryStore } from '../memory/memory-store.js';
import type { UserId } from '../ports/store.js';
import type { AppUserId, UserIdOf, UserIdsOption } from './user-ids.js';

const secret = 'x'.repeat(32);

test('without userIds, user ids are strings, as before', async () => {
  const auth = createAuth({ store: memoryStore(), secret });
  expectTypeOf((await auth.login({ email: 'a@example.com', password: 'x' })).user.id).toEqualTypeOf<string>();
  expectTypeOf(await auth.authenticate('token')).toEqualTypeOf<Identity<string>>();
  expectTypeOf(auth.getProfile).parameter(0).toHaveProperty('userId').toEqualTypeOf<string>();
});

test("userIds: 'integer' makes every user id a number, in results and in inputs", async () => {
  const auth = createAuth({ store: memoryStore(), secret, userIds: 'integer' });
  expectTypeOf((await auth.register({ email: 'a@example.com', password: 'x' })).user.id).toEqualTypeOf<number>();
  expectTypeOf((await auth.refresh({ refreshToken: 'r' })).user.id).toEqualTypeOf<number>();
  expectTypeOf((await auth.authenticate('token')).userId).toEqualTypeOf<number>();
  expectTypeOf(auth.getProfile).parameter(0).toHaveProperty('userId').toEqualTypeOf<number>();
  expectTypeOf(auth.revokeSession).parameter(0).toHaveProperty('userId').toEqualTypeOf<number>();
  // @ts-expect-error an integer app's user id is not a string
  void auth.getProfile({ userId: '1' });
});

test("the app's generator gives string ids", async () => {
  const auth = createAuth({ store: memoryStore(), secret, userIds: { generate: () => 'usr_1' } });
  expectTypeOf((await auth.getProfile({ userId: 'usr_1' })).id).toEqualTypeOf<string>();
});

test("where the compiler does not know the option, ids are the app's (AppTypes: string unless declared)", async () => {
  const config: AuthConfig = { store: memoryStore(), secret };
  const auth = createAuth(config);
  expectTypeOf((await auth.getProfile({ userId: 'u' })).id).toEqualTypeOf<string>();
  expectTypeOf<UserIdOf<UserIdsOption>>().toEqualTypeOf<AppUserId>();
  expectTypeOf<AppUserId>().toEqualTypeOf<string>();
  // A union of known options gives either.
  expectTypeOf<UserIdOf<'uuid' | 'integer'>>().toEqualTypeOf<string | number>();
});

test('an integer-id Auth goes wherever any Auth is taken, and user JSON names its id type', () => {
  const auth = createAuth({ store: memoryStore(), secret, userIds: 'integer' });
  expectTypeOf(auth).toMatchTypeOf<Auth<Record<string, unknown>, UserId>>();
  expectTypeOf(createFetchHandler(auth)).toBeFunction();
  expectTypeOf<UserJson['id']>().toEqualTypeOf<UserId>();
  expectTypeOf<UserJson<number>['id']>().toEqualTypeOf<number>();
  expectTypeOf<AuthUser['id']>().toEqualTypeOf<string>();
});
