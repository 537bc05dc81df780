import type { Clock } from '../ports/clock.js';

/**
 * The real wall clock; the default {@link Clock}.
 *
 * @example
 * ```ts
 * import { systemClock } from '@gatehouse-auth/core';
 * const now = systemClock().now();
 * ```
 */
export function systemClock(): Clock {
  return { now: (): Date => new Date() };
}
