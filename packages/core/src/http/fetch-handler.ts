import type { Auth } from '../create-auth.js';
import { createHttpHandler } from './handler.js';
import type { HttpOptions } from './options.js';
import { readBody } from './read-body.js';
import type { HttpResponse } from './types.js';
import type { UserId } from '../ports/store.js';

/** Options of {@link createFetchHandler}: the HTTP options and where the routes are mounted. */
export interface FetchHandlerOptions extends HttpOptions {
  /** The path the routes live under, e.g. `/auth` (default: the root). */
  basePath?: string;
}

/** Connection details a Fetch runtime knows and a `Request` does not carry. */
export interface FetchConnectionInfo {
  /** The address of the TCP peer. */
  ip?: string | undefined;
}

/** Turns an {@link HttpResponse} into a Fetch `Response`. */
export function toFetchResponse(response: HttpResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Response(response.body, { status: response.status, headers });
}

/**
 * Serves the HTTP contract as a Fetch API handler (`Request` in, `Response` out), for runtimes
 * and servers built on it; requests outside `basePath` answer 404.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { createFetchHandler } from '@gatehouse-auth/core/http';
 *
 * const auth = createAuth({ store: memoryStore(), secret: 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const fetchHandler = createFetchHandler(auth, { basePath: '/auth' });
 * const response = await fetchHandler(new Request('https://api.example.com/auth/openapi.json'));
 * ```
 */
export function createFetchHandler<P>(auth: Auth<P, UserId>, options: FetchHandlerOptions = {}): (request: Request, info?: FetchConnectionInfo) => Promise<Response> {
  const { basePath: rawBase = '', ...httpOptions } = options;
  const basePath = rawBase.replace(/\/+$/, '');
  const http = createHttpHandler(auth, httpOptions);
  return async function gatehouseFetch(request: Request, info?: FetchConnectionInfo): Promise<Response> {
    const url = new URL(request.url);
    const inside = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    const path = inside ? url.pathname.slice(basePath.length) || '/' : null;
    if (path === null) return toFetchResponse(http.reject('NOT_FOUND'));
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request.body, http.bodyLimit);
    const response = await http.handle({ method: request.method, path: `${path}${url.search}`, headers: request.headers, body, ip: info?.ip, basePath });
    return toFetchResponse(response);
  };
}
