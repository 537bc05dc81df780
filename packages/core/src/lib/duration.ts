import { z } from 'zod';

/** A duration: seconds as a number, or a string such as `'90s'`, `'15m'`, `'24h'`, `'7d'`. */
export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** The number of seconds in a {@link Duration}, or `null` when it is not one. */
export function durationSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** The schema of a {@link Duration} option: it outputs seconds, and refuses more than `max` seconds; `label` names the option in the message. */
export function duration(label: string, max = Number.POSITIVE_INFINITY): z.ZodType<number, Duration> {
  // `z.custom<Duration>()` accepts anything (the transform checks it); it only types the input,
  // so that the options interfaces can be checked against their schemas.
  return z.custom<Duration>().transform((value, context) => {
    const seconds = durationSeconds(value);
    if (seconds === null || seconds > max) {
      context.addIssue({
        code: 'custom',
        message: `${label} must be a number of seconds or a string like '15m', '24h', '7d'${Number.isFinite(max) ? ` (at most ${max} s)` : ''}`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}
