import type { FieldIssue } from '../../errors.js';
import { HttpError } from '../http-error.js';
import type { HeaderCheck } from '../options.js';
import type { HttpHeaders } from '../types.js';
import { safeEqual, sha256 } from '../../lib/crypto.js';

/** One request header by name, whether the adapter gave a Fetch `Headers` or a Node-style record. */
export function header(headers: HttpHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The `Authorization: Bearer` token: the token, `malformed` for a Bearer header we cannot read, or `null` for none. */
export function bearerToken(headers: HttpHeaders): { token: string } | { malformed: true } | null {
  const value = header(headers, 'authorization');
  if (value === undefined || value.trim() === '') return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(value);
  if (match?.[1]) return { token: match[1] };
  return /^Bearer\b/i.test(value) ? { malformed: true } : null;
}

/** An RFC 6750 `WWW-Authenticate` challenge. */
export function challenge(error: 'invalid_token' | null, description?: string): string {
  return error === null ? 'Bearer' : `Bearer error="${error}", error_description="${description ?? ''}"`;
}

/**
 * Checks the headers every route but the emailed links and standard documents requires
 * (`requiredHeaders`, e.g. an `Api-Token`).
 * @throws HttpError `HEADER_REQUIRED`, with a field issue per missing or wrong header.
 */
export function checkRequiredHeaders(headers: HttpHeaders, required: readonly (readonly [string, HeaderCheck])[]): void {
  const problems: FieldIssue[] = [];
  for (const [name, check] of required) {
    const value = header(headers, name);
    if (value === undefined || value === '') {
      problems.push({ field: name, code: 'required', message: `The ${name} header is required.` });
      continue;
    }
    const ok = typeof check === 'string' ? safeEqual(sha256(value), sha256(check)) : typeof check === 'function' ? check(value) : check.includes(value);
    if (!ok) problems.push({ field: name, code: 'invalid', message: `The ${name} header is not valid.` });
  }
  if (problems.length > 0) throw new HttpError('HEADER_REQUIRED', { fields: problems, fieldsAsGiven: true });
}

/**
 * Checks the `…Confirmation` field of a route's new password (`passwordConfirmation`): required
 * when the option is on, and checked whenever it is sent.
 * @throws HttpError `VALIDATION_FAILED` with the field issue.
 */
export function checkConfirmation(passwordField: string | undefined, body: Record<string, unknown>, requiredByOptions: boolean): void {
  if (!passwordField) return;
  const field = `${passwordField}Confirmation`;
  const confirmation = body[field];
  if (confirmation === undefined && !requiredByOptions) return;
  if (confirmation === undefined) throw new HttpError('VALIDATION_FAILED', { fields: [{ field, code: 'required', message: 'This field is required.' }] });
  if (confirmation !== body[passwordField]) throw new HttpError('VALIDATION_FAILED', { fields: [{ field, code: 'mismatch', message: 'The passwords do not match.' }] });
}
