import { expectTypeOf, test } from 'vitest';
import { createAuth } from '../create-auth.js';
import { memoryStore } from '../memory/memory-store.js';
import { contract002, contract004 } from './index.js';

test('a preset carries its id type and profile into createAuth', () => {
  const secret = 'x'.repeat(32);
  const strings = createAuth({ ...contract002.auth, store: memoryStore(), secret });
  const numbers = createAuth({ ...contract004.auth, store: memoryStore(), secret });
  type StringUser = Awaited<ReturnType<typeof strings.getProfile>>;
  type NumberUser = Awaited<ReturnType<typeof numbers.getProfile>>;
  expectTypeOf<StringUser['id']>().toEqualTypeOf<string>();
  expectTypeOf<NumberUser['id']>().toEqualTypeOf<number>();
  expectTypeOf<NumberUser['profile']['username']>().toEqualTypeOf<string>();
  expectTypeOf<StringUser['profile']['phone']>().toEqualTypeOf<string | undefined>();
});
