import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { createAuth } from './create-auth.js';
import { memoryStore } from './memory/memory-store.js';

test('profile fields are typed from the profile schema', async () => {
  const auth = createAuth({
    store: memoryStore(),
    secret: 'x'.repeat(32),
    profile: z.object({ displayName: z.string(), age: z.number().optional() }),
  });
  const { user } = await auth.login({ email: 'a@example.com', password: 'x' });
  expectTypeOf(user.profile).toEqualTypeOf<{ displayName: string; age?: number | undefined }>();
  expectTypeOf(auth.updateProfile).parameter(0).toHaveProperty('profile').toEqualTypeOf<Partial<{ displayName: string; age?: number | undefined }>>();
});

test('the default profile has optional name, phone and username', async () => {
  const auth = createAuth({ store: memoryStore(), secret: 'x'.repeat(32) });
  const user = await auth.getProfile({ userId: 'u' });
  expectTypeOf(user.profile.firstName).toEqualTypeOf<string | undefined>();
  expectTypeOf(user).not.toHaveProperty('passwordHash');
});
