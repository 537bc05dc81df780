import { AuthError, type FieldIssue } from '../errors.js';
import { HTTP_ERROR_MESSAGES, type HttpErrorDetails } from './errors.js';
import { HttpError } from './http-error.js';
import { isPlainObject, keysFromWire, keysToWire, toJsonValue, toSnake } from './lib/casing.js';
import { challenge, header } from './lib/headers.js';
import type { RouteId, RouteOptions } from './options.js';
import type { ResolvedHttpOptions } from './resolve-options.js';
import type { ServedRoute } from './route.js';
import type { HttpRequest, HttpResponse } from './types.js';

/** The wire format of one handler: field names in and out, success and error bodies. */
export interface Envelope {
  /** The body as the flow reads it: aliases undone, camelCase, the route's request mapper applied. */
  fromWire(value: unknown, route: ServedRoute, request: HttpRequest): Record<string, unknown>;
  /** The success response of a route. */
  success(route: ServedRoute, data: unknown, headers: Record<string, string | string[]>, request: HttpRequest): HttpResponse;
  /** The error response for anything thrown: an `HttpError`, an `AuthError`, or an unexpected error (logged, answered 500). */
  failure(error: unknown, route: RouteId | null, headers?: Record<string, string | string[]>): HttpResponse;
}

/** A JSON response that no cache keeps. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string | string[]> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/** The wire format for resolved HTTP options. */
export function createEnvelope(resolved: ResolvedHttpOptions): Envelope {
  const { casing } = resolved;

  function routeOptions(id: RouteId | null): RouteOptions<never> {
    return (id === null ? undefined : resolved.routeOptions[id]) ?? {};
  }

  function wireField(field: string, id: RouteId | null): string {
    const [first = field, ...rest] = field.replace(/^profile\./, '').split('.');
    const name = routeOptions(id).fields?.[first] ?? (casing === 'snake' ? toSnake(first) : first);
    return [name, ...rest.map((part) => (casing === 'snake' ? toSnake(part) : part))].join('.');
  }

  function wireFields(fields: readonly FieldIssue[], id: RouteId | null): FieldIssue[] {
    return fields.map((issue) => ({ ...issue, field: wireField(issue.field, id) }));
  }

  function details(error: unknown, id: RouteId | null, headers: Record<string, string | string[]>): HttpErrorDetails {
    if (error instanceof HttpError) {
      Object.assign(headers, error.headers);
      const message = error.message === error.code ? HTTP_ERROR_MESSAGES[error.code] : error.message;
      const out: HttpErrorDetails = { status: resolved.statuses[error.code], code: error.code, message };
      if (error.fields) out.fields = error.fieldsAsGiven ? error.fields : wireFields(error.fields, id);
      return out;
    }
    if (error instanceof AuthError) {
      const out: HttpErrorDetails = { status: resolved.statuses[error.code] ?? 400, code: error.code, message: error.message };
      if (error.fields) out.fields = wireFields(error.fields, id);
      if (error.retryAfter !== undefined) {
        out.retryAfter = error.retryAfter;
        headers['retry-after'] = String(error.retryAfter);
      }
      if (error.code === 'SERVICE_UNAVAILABLE') headers['retry-after'] ??= '30';
      return out;
    }
    resolved.logger.error('gatehouse: unexpected error in the HTTP layer', { error, route: id });
    return { status: resolved.statuses.INTERNAL_ERROR, code: 'INTERNAL_ERROR', message: HTTP_ERROR_MESSAGES.INTERNAL_ERROR };
  }

  return {
    fromWire(value, route, request) {
      if (!isPlainObject(value)) {
        throw new HttpError('VALIDATION_FAILED', { fields: [{ field: 'body', code: 'invalid_type', message: 'The body must be a JSON object.' }] });
      }
      const id = route.id as RouteId;
      const aliased: Record<string, unknown> = { ...value };
      for (const [canonical, wire] of Object.entries(routeOptions(id).fields ?? {})) {
        if (!(wire in aliased)) continue;
        const moved = aliased[wire];
        delete aliased[wire];
        aliased[canonical] = moved;
      }
      let body = keysFromWire(aliased, casing) as Record<string, unknown>;
      const mapper = routeOptions(id).request;
      if (mapper) body = mapper(body, { route: id, header: (name) => header(request.headers, name.toLowerCase()) });
      if (!isPlainObject(body)) throw new TypeError(`routes.${id}.request must return an object.`);
      return body;
    },

    success(route, data, headers, request) {
      const id = route.id as RouteId;
      const options = routeOptions(id);
      const status = options.status ?? route.status;
      const message = options.message ?? route.message;
      let out = toJsonValue(data);
      if (options.response) out = toJsonValue((options.response as (data: unknown, context: unknown) => unknown)(out, { route: id, status, message, header: (name: string) => header(request.headers, name.toLowerCase()) }) ?? null);
      out = keysToWire(out, casing);
      const body = resolved.formatSuccess ? resolved.formatSuccess({ route: id, status, data: out, message }) : { data: out ?? { message } };
      return jsonResponse(status, body, headers);
    },

    failure(error, id, extra = {}) {
      const headers: Record<string, string | string[]> = { ...extra };
      const found = details(error, id, headers);
      found.message = resolved.messages.byCode[found.code] ?? resolved.messages.byStatus[found.status] ?? found.message;
      if (found.status === 401 && headers['www-authenticate'] === undefined) headers['www-authenticate'] = challenge(null);
      if (resolved.formatError) return jsonResponse(found.status, resolved.formatError(found, { route: id }), headers);
      const body: Record<string, unknown> = { code: found.code, message: found.message };
      if (found.fields) body.fields = found.fields;
      if (found.retryAfter !== undefined) body[casing === 'snake' ? 'retry_after' : 'retryAfter'] = found.retryAfter;
      return jsonResponse(found.status, { error: body }, headers);
    },
  };
}
