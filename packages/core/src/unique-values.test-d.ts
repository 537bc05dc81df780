import { test } from 'vitest';
import { z } from 'zod';
import { createAuth } from './create-auth.js';
import { memoryStore } from './memory/memory-store.js';

test('uniqueProfileFields names fields of the profile schema', () => {
  createAuth({ store: memoryStore(), secret: 'x'.repeat(32), uniqueProfileFields: ['username'] });
  // @ts-expect-error not a field of the default profile schema
  createAuth({ store: memoryStore(), secret: 'x'.repeat(32), uniqueProfileFields: ['usename'] });

  const profile = z.object({ handle: z.string(), displayName: z.string().optional() });
  createAuth({ store: memoryStore(), secret: 'x'.repeat(32), profile, uniqueProfileFields: ['handle', 'displayName'] });
  // @ts-expect-error username belongs to the default schema, not to this one
  createAuth({ store: memoryStore(), secret: 'x'.repeat(32), profile, uniqueProfileFields: ['username'] });
});
