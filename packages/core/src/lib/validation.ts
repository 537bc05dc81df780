import type { z } from 'zod';
import { AuthError, type FieldIssue } from '../errors.js';

function issueCode(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'custom') return typeof issue.params?.code === 'string' ? issue.params.code : 'invalid';
  if (issue.code === 'invalid_type') return valueAt(input, issue.path) === undefined ? 'required' : 'invalid_type';
  if (issue.code === 'too_small') return 'too_short';
  if (issue.code === 'too_big') return 'too_long';
  return issue.code;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Zod issues as Gatehouse field issues, under an optional path prefix. */
export function fieldIssues(error: z.ZodError, input: unknown, prefix: string[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [...prefix, ...issue.path.map(String)].join('.') || 'body',
    code: issueCode(issue, input),
    message: issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined ? 'This field is required.' : issue.message,
  }));
}

/**
 * Parses flow input with a zod schema.
 * @throws AuthError `VALIDATION_FAILED` with one field issue per problem.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AuthError('VALIDATION_FAILED', undefined, { fields: fieldIssues(result.error, input, prefix) });
  return result.data;
}
