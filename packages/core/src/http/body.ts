import { isPlainObject } from './lib/casing.js';
import { header } from './lib/headers.js';
import { HttpError } from './http-error.js';
import type { HttpRequest } from './types.js';

const utf8 = new TextEncoder();

/** Deepest nesting a request body may have: auth bodies are flat, and deeper input only costs stack. */
const MAX_BODY_DEPTH = 32;

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(?:;|$)/i.test(value.trim());
}

/** True when a parsed body holds a key that reaches for a prototype (as JSON.parse keeps them). */
function poisoned(value: unknown, depth = 0): boolean {
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => poisoned(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__' || (key === 'constructor' && isPlainObject(item) && 'prototype' in item)) return true;
    if (poisoned(item, depth + 1)) return true;
  }
  return false;
}

/** True when `value` nests objects or arrays deeper than `max` (checked without recursion). */
function nestedTooDeep(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const item of Object.values(current)) pending.push([item, depth + 1]);
  }
  return false;
}

function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    // Refused rather than dropped, as Fastify does: such a body is an attack, not a mistake.
    if (key === '__proto__' || (key === 'constructor' && isPlainObject(value) && 'prototype' in value)) throw new SyntaxError('forbidden key');
    return value;
  });
}

/**
 * The JSON value of a request body, whatever form the adapter handed it in (bytes, text, a value
 * its framework parsed, or a problem it ran into), held to the body limit, the nesting limit and
 * the prototype-key rule; `{}` for no body.
 * @throws HttpError `PAYLOAD_TOO_LARGE`, `MALFORMED_BODY`, `UNSUPPORTED_MEDIA_TYPE`.
 */
export function parseBody(request: HttpRequest, bodyLimit: number): unknown {
  const body = request.body;
  const declared = Number(header(request.headers, 'content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > bodyLimit) throw new HttpError('PAYLOAD_TOO_LARGE');
  if (body === undefined || body === null) return {};
  if (typeof body === 'object' && 'problem' in body) {
    throw new HttpError(body.problem === 'too_large' ? 'PAYLOAD_TOO_LARGE' : body.problem === 'malformed' ? 'MALFORMED_BODY' : 'UNSUPPORTED_MEDIA_TYPE');
  }
  const contentType = header(request.headers, 'content-type');
  if (typeof body === 'object' && 'parsed' in body) {
    if (body.parsed === undefined) return {};
    if (!isJsonContentType(contentType)) throw new HttpError('UNSUPPORTED_MEDIA_TYPE');
    // Parsed by the app's own body parser (with its own limit): hold it to ours too.
    if (nestedTooDeep(body.parsed, MAX_BODY_DEPTH)) throw new HttpError('MALFORMED_BODY');
    if (!Number.isFinite(declared) && utf8.encode(JSON.stringify(body.parsed) ?? '').byteLength > bodyLimit) throw new HttpError('PAYLOAD_TOO_LARGE');
    if (poisoned(body.parsed)) throw new HttpError('MALFORMED_BODY');
    return body.parsed;
  }
  const bytes = typeof body === 'string' ? utf8.encode(body) : body;
  if (bytes.byteLength > bodyLimit) throw new HttpError('PAYLOAD_TOO_LARGE');
  if (bytes.byteLength === 0) return {};
  if (!isJsonContentType(contentType)) throw new HttpError('UNSUPPORTED_MEDIA_TYPE');
  let parsed: unknown;
  try {
    parsed = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError('MALFORMED_BODY');
  }
  if (nestedTooDeep(parsed, MAX_BODY_DEPTH)) throw new HttpError('MALFORMED_BODY');
  return parsed;
}
