import { AUTH_ERROR_MESSAGES, type AuthErrorCode, type FieldIssue } from '../errors.js';

/** The codes that only the HTTP layer produces: a body it cannot read, a route that does not exist, an origin it refuses, an unexpected failure. */
export const HTTP_ONLY_ERROR_CODES = [
  'MALFORMED_BODY',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'ORIGIN_NOT_ALLOWED',
  'HEADER_REQUIRED',
  'CLIENT_ADDRESS_UNKNOWN',
  'INTERNAL_ERROR',
] as const;

/** Every code an HTTP error response can carry: the {@link AuthErrorCode}s of the flows, and {@link HTTP_ONLY_ERROR_CODES}. */
export type HttpErrorCode = AuthErrorCode | (typeof HTTP_ONLY_ERROR_CODES)[number];

/**
 * The one table from error codes to HTTP statuses. Adapters never choose a status; an app can
 * change an entry with the `statuses` option (e.g. `VALIDATION_FAILED: 400`).
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<HttpErrorCode, number>> = {
  INVALID_CREDENTIALS: 401,
  EMAIL_NOT_VERIFIED: 403,
  EMAIL_TAKEN: 409,
  ACCOUNT_DISABLED: 403,
  VALIDATION_FAILED: 422,
  WEAK_PASSWORD: 422,
  RATE_LIMITED: 429,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  SESSION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  SERVICE_UNAVAILABLE: 503,
  MALFORMED_BODY: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ORIGIN_NOT_ALLOWED: 403,
  HEADER_REQUIRED: 400,
  // The server, not the client, is at fault (an adapter or runtime that gives no socket
  // address), and refusing beats sharing one rate-limit budget among every client.
  CLIENT_ADDRESS_UNKNOWN: 503,
  INTERNAL_ERROR: 500,
};

/** The default message of every code: each error has a human message, whichever layer raised it. */
export const HTTP_ERROR_MESSAGES: Readonly<Record<HttpErrorCode, string>> = {
  ...AUTH_ERROR_MESSAGES,
  MALFORMED_BODY: 'The request body is not valid JSON.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the request body as application/json.',
  NOT_FOUND: 'Not found.',
  METHOD_NOT_ALLOWED: 'Method not allowed.',
  ORIGIN_NOT_ALLOWED: 'This origin may not make this request.',
  HEADER_REQUIRED: 'A required header is missing or invalid.',
  CLIENT_ADDRESS_UNKNOWN: 'The server cannot tell the address of this client, so it cannot apply its rate limits and refuses the request.',
  INTERNAL_ERROR: 'Something went wrong. Try again later.',
};

/** An error as `formatError` receives it: everything a response body may say, and nothing more. */
export interface HttpErrorDetails {
  status: number;
  code: HttpErrorCode;
  /** Safe to show to end users; never a stack, a driver message or a secret. */
  message: string;
  /** Field issues, with field names as the client spelled them (casing and `fields` aliases applied). */
  fields?: FieldIssue[];
  /** Seconds until a retry may succeed (`RATE_LIMITED`); also sent as `Retry-After`. */
  retryAfter?: number;
}
