import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { RULE_NAMES, RateLimitOptions, RateLimitRuleName, rateLimitsSchema } from './rules.js';

test('the rate-limit schema accepts exactly the options RateLimitOptions documents, or false', () => {
  expectTypeOf<z.input<typeof rateLimitsSchema>>().toEqualTypeOf<RateLimitOptions | false | undefined>();
});

test('every rule is resolved: RULE_NAMES lists each rule of RateLimitOptions', () => {
  expectTypeOf<(typeof RULE_NAMES)[number]>().toEqualTypeOf<RateLimitRuleName>();
  expectTypeOf<keyof RateLimitOptions>().toEqualTypeOf<RateLimitRuleName | 'failMode' | 'lockout'>();
});
