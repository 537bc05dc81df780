import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { PasswordPolicy, passwordPolicySchema } from './policy.js';

test('the password schema accepts any part of a PasswordPolicy and resolves to a whole one', () => {
  expectTypeOf<z.input<typeof passwordPolicySchema>>().toEqualTypeOf<Partial<PasswordPolicy> | undefined>();
  expectTypeOf<z.output<typeof passwordPolicySchema>>().toEqualTypeOf<PasswordPolicy>();
});
