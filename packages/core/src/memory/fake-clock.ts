import type { Clock } from '../ports/clock.js';

/** A {@link Clock} that tests move by hand. */
export interface FakeClock extends Clock {
  /** Moves the clock forward (or backward, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to an absolute time. */
  set(time: Date | number): void;
}

/**
 * Creates a clock that stands still until a test moves it, so tokens expire by moving the
 * clock, never by sleeping.
 *
 * @example
 * ```ts
 * import { fakeClock } from '@gatehouse-auth/core';
 * const clock = fakeClock(Date.UTC(2026, 0, 1));
 * clock.advance(15 * 60 * 1000); // fifteen minutes later
 * ```
 */
export function fakeClock(start: Date | number = 0): FakeClock {
  let current = typeof start === 'number' ? start : start.getTime();
  return {
    now(): Date {
      return new Date(current);
    },
    advance(ms: number): void {
      current += ms;
    },
    set(time: Date | number): void {
      current = typeof time === 'number' ? time : time.getTime();
    },
  };
}
