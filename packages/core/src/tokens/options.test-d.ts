import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { AccessTokenOptions, ResolvedAccessTokenOptions, accessTokenOptionsSchema } from './options.js';

test('the access-token schema accepts exactly the options AccessTokenOptions documents', () => {
  expectTypeOf<z.input<typeof accessTokenOptionsSchema>>().toEqualTypeOf<AccessTokenOptions | undefined>();
});

test('every access-token option resolves to a value', () => {
  expectTypeOf<keyof ResolvedAccessTokenOptions>().toEqualTypeOf<keyof AccessTokenOptions>();
  expectTypeOf<ResolvedAccessTokenOptions>().toEqualTypeOf<Required<ResolvedAccessTokenOptions>>();
});
