import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { ResolvedSessionOptions, SessionOptions, sessionOptionsSchema } from './options.js';

test('the session schema accepts exactly the options SessionOptions documents', () => {
  expectTypeOf<z.input<typeof sessionOptionsSchema>>().toEqualTypeOf<SessionOptions | undefined>();
});

test('every session option but the rotation secret resolves to a value', () => {
  expectTypeOf<keyof ResolvedSessionOptions>().toEqualTypeOf<Exclude<keyof SessionOptions, 'rotationSecret'>>();
  expectTypeOf<ResolvedSessionOptions>().toEqualTypeOf<Required<ResolvedSessionOptions>>();
});
