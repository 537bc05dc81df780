import type { FieldIssue } from '../errors.js';
import type { HttpErrorCode } from './errors.js';

/**
 * An expected failure of the HTTP layer itself (routing, body, headers, origin, a refused
 * bearer token): the one shape every early answer of the pipeline takes.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly fields: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;
  /** Header names are not body fields: they keep their spelling instead of following `casing`. */
  readonly fieldsAsGiven: boolean;

  constructor(
    readonly code: HttpErrorCode,
    options: { fields?: FieldIssue[]; headers?: Record<string, string>; fieldsAsGiven?: boolean; message?: string } = {},
  ) {
    super(options.message ?? code);
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.fieldsAsGiven = options.fieldsAsGiven ?? false;
  }
}
