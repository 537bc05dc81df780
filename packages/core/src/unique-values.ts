import type { z } from 'zod';
import { AuthError, type FieldIssue } from './errors.js';
import type { UniqueValue } from './ports/store.js';

/** The issue code of a unique profile value that another account holds. */
export const UNIQUE_VALUE_TAKEN = 'taken';

const TAKEN_MESSAGE = 'This value is already taken.';

/**
 * Normalizes a value of a unique profile field the way Gatehouse compares it, or `null` when it is
 * not unique-checked. Strings are NFKC-normalized, trimmed and lower-cased, so `'Ada'`, `' ada '`
 * and `'ａｄａ'` (full-width) are one username and nobody can impersonate another by case or
 * width; an empty string is `null`, like a missing value. Numbers, bigints and booleans compare
 * by their text (`42` and `'42'` are the same value). `undefined` and `null` are `null`: many
 * accounts may have no value.
 *
 * @throws TypeError for any other value (an object, an array, a `Date`): such a field cannot be
 * unique.
 *
 * @example
 * ```ts
 * import { normalizeUniqueValue } from '@gatehouse-auth/core';
 * normalizeUniqueValue(' Ada '); // 'ada'
 * normalizeUniqueValue(null); // null
 * ```
 */
export function normalizeUniqueValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const normalized = value.normalize('NFKC').trim().toLowerCase();
    return normalized === '' ? null : normalized;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new TypeError(`uniqueProfileFields: a unique profile value must be a string, a finite number, a bigint or a boolean, not ${describe(value)}.`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The error a {@link Store} throws when another user holds one of the unique values it was
 * given: `AuthError` `VALIDATION_FAILED` with one field issue, `{ field, code: 'taken' }`. For
 * store implementations; Gatehouse reports it to the client under the profile field.
 *
 * @example
 * ```ts
 * import { uniqueValueTakenError } from '@gatehouse-auth/core';
 * throw uniqueValueTakenError('username');
 * ```
 */
export function uniqueValueTakenError(field: string): AuthError {
  return new AuthError('VALIDATION_FAILED', undefined, { fields: [{ field, code: UNIQUE_VALUE_TAKEN, message: TAKEN_MESSAGE }] });
}

/** The unique values of a profile, for the store: one per configured field that has a value. */
export function uniqueValuesOf(fields: readonly string[], profile: Record<string, unknown>): UniqueValue[] {
  const values: UniqueValue[] = [];
  for (const field of fields) {
    const value = normalizeUniqueValue(profile[field]);
    if (value !== null) values.push({ field, value });
  }
  return values;
}

/**
 * A store's refusal of a taken value, as the flows report it: the issue under `profile.<field>`
 * (like the profile schema's own issues), with Gatehouse's message. Anything else is returned as
 * it is.
 */
export function asProfileError(error: unknown): unknown {
  if (!(error instanceof AuthError) || error.code !== 'VALIDATION_FAILED') return error;
  const issue = error.fields?.find((candidate) => candidate.code === UNIQUE_VALUE_TAKEN);
  if (issue === undefined) return error;
  const field: FieldIssue = { field: `profile.${issue.field}`, code: UNIQUE_VALUE_TAKEN, message: TAKEN_MESSAGE };
  return new AuthError('VALIDATION_FAILED', undefined, { fields: [field], cause: error });
}

// Zod wrappers whose values are their inner schema's values (or missing).
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);
// Schemas whose values can never be unique-checked.
const NOT_COMPARABLE = new Set(['object', 'array', 'tuple', 'record', 'map', 'set', 'date', 'file']);

/**
 * Why a profile field cannot be unique, or `null` when it can (as far as its schema tells: a
 * transform's output is checked on each write instead).
 */
export function uniqueFieldProblem(schema: z.ZodType): string | null {
  let current: z.ZodType = schema;
  for (;;) {
    const def = current.def as { type: string; innerType?: z.ZodType; out?: z.ZodType };
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.out) current = def.out;
    else break;
  }
  const type = current.def.type;
  return NOT_COMPARABLE.has(type) ? `its values are ${type === 'array' || type === 'object' ? `${type}s` : `of type ${type}`}; only strings, numbers, bigints and booleans can be unique` : null;
}
