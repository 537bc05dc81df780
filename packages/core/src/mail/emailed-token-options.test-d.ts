import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type {
  EmailChangeOptions,
  EmailVerificationOptions,
  PasswordResetOptions,
  ResolvedEmailChangeOptions,
  ResolvedEmailVerificationOptions,
  ResolvedPasswordResetOptions,
  emailChangeOptionsSchema,
  emailVerificationOptionsSchema,
  passwordResetOptionsSchema,
} from './emailed-token-options.js';

test('each schema accepts exactly the options its interface documents', () => {
  expectTypeOf<z.input<typeof emailVerificationOptionsSchema>>().toEqualTypeOf<EmailVerificationOptions | undefined>();
  expectTypeOf<z.input<typeof passwordResetOptionsSchema>>().toEqualTypeOf<PasswordResetOptions | undefined>();
  expectTypeOf<z.input<typeof emailChangeOptionsSchema>>().toEqualTypeOf<EmailChangeOptions | undefined>();
});

test('every option resolves to a value', () => {
  expectTypeOf<keyof ResolvedEmailVerificationOptions>().toEqualTypeOf<keyof EmailVerificationOptions>();
  expectTypeOf<ResolvedEmailVerificationOptions>().toEqualTypeOf<Required<ResolvedEmailVerificationOptions>>();
  expectTypeOf<keyof ResolvedPasswordResetOptions>().toEqualTypeOf<keyof PasswordResetOptions>();
  expectTypeOf<ResolvedPasswordResetOptions>().toEqualTypeOf<Required<ResolvedPasswordResetOptions>>();
  expectTypeOf<keyof ResolvedEmailChangeOptions>().toEqualTypeOf<keyof EmailChangeOptions>();
  expectTypeOf<ResolvedEmailChangeOptions>().toEqualTypeOf<Required<ResolvedEmailChangeOptions>>();
});
