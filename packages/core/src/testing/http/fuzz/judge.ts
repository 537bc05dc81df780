// Internal to runHttpFuzz: what every answer must be, whatever was asked (no 5xx, no leak, the
// documented envelope with the status of its code).
import { HTTP_STATUS_BY_CODE, type HttpErrorCode } from '../../../http/errors.js';
import type { FuzzRequest } from './requests.js';

export const APP_URL = 'https://app.example.com';
const CODES = new Set(Object.keys(HTTP_STATUS_BY_CODE));

// What a body must never show: a stack frame, an error's class and message, a dependency path.
const LEAKS: readonly RegExp[] = [/\bat (?:async )?[\w$.<>[\]]+ \(/, /(?:^|\\n)\s*at \S+:\d+/, /\b\w*Error: /, /node_modules/, /\bfile:\/\//];

/** Where a request's own text may legitimately come back (a profile field, a field name): leaks are judged only on what it did not send. */
function sent(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
  let path = request.path;
  try {
    path = decodeURIComponent(request.path);
  } catch {
    // kept as sent
  }
  return `${request.method} ${request.path} ${path} ${JSON.stringify(request.headers)} ${body} ${JSON.stringify(body)}`;
}

/** What is wrong with one response, if anything (empty when it keeps the contract). */
export function problems(request: FuzzRequest, status: number, headers: Headers, text: string, logged: unknown[]): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`status ${status}`);
  if (status >= 300 && status < 400) {
    // Only the emailed-link routes redirect (with `linkRedirect`), and only to the app.
    const location = headers.get('location') ?? '';
    if (status !== 303 || !location.startsWith(`${APP_URL}/`)) found.push(`redirect ${status} to ${location}`);
    return found;
  }
  if (logged.length > 0) found.push(`logged unexpected errors: ${logged.map(String).join('; ')}`);
  const echoed = sent(request);
  for (const leak of LEAKS) {
    if (leak.test(text) && !leak.test(echoed)) found.push(`body matches ${leak}`);
  }
  // (An error answer to HEAD may carry its envelope: Node's HTTP server drops it, Fetch runtimes
  // differ. A success must not.)
  if ((request.method === 'HEAD' && (status < 400 || text === '')) || status === 204) {
    if (text !== '') found.push(`a body on ${request.method} ${status}`);
    return found;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    found.push(`not JSON: ${text.slice(0, 200)}`);
    return found;
  }
  if (!/^application\/json/i.test(headers.get('content-type') ?? '')) found.push(`content-type ${headers.get('content-type')}`);
  if (status >= 400) {
    const envelope = json as { error?: Record<string, unknown> } | null;
    const error = envelope?.error;
    if (envelope === null || typeof envelope !== 'object' || Object.keys(envelope).join() !== 'error' || typeof error !== 'object' || error === null) {
      found.push(`not the error envelope: ${text.slice(0, 300)}`);
      return found;
    }
    const extra = Object.keys(error).filter((key) => !['code', 'message', 'fields', 'retryAfter'].includes(key));
    if (extra.length > 0) found.push(`extra error keys ${extra.join()}`);
    if (typeof error.code !== 'string' || !CODES.has(error.code)) found.push(`unknown code ${String(error.code)}`);
    else if (HTTP_STATUS_BY_CODE[error.code as HttpErrorCode] !== status) found.push(`code ${error.code} with status ${status}`);
    if (typeof error.message !== 'string' || error.message === '') found.push('no message');
    if (error.fields !== undefined) {
      const fieldsOk =
        Array.isArray(error.fields) &&
        error.fields.every(
          (field: unknown) =>
            typeof field === 'object' &&
            field !== null &&
            typeof (field as Record<string, unknown>).field === 'string' &&
            typeof (field as Record<string, unknown>).code === 'string' &&
            typeof (field as Record<string, unknown>).message === 'string',
        );
      if (!fieldsOk) found.push(`malformed fields ${JSON.stringify(error.fields).slice(0, 200)}`);
    }
    if (status === 401 && !/^Bearer/.test(headers.get('www-authenticate') ?? '')) found.push('401 without WWW-Authenticate: Bearer');
  } else if (!request.path.includes('openapi.json') && !request.path.includes('jwks.json') && !request.path.startsWith('/protected')) {
    if (json === null || typeof json !== 'object' || !('data' in json)) found.push(`success without data: ${text.slice(0, 200)}`);
  }
  return found;
}
