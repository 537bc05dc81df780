import type { Auth, Identity } from '@gatehouse/core';
import { createHttpHandler, drainBody, httpAuthenticator, readBody, toFetchResponse, type HttpOptions, type HttpRequestBody } from '@gatehouse/core/http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';

/** The Hono environment `requireAuth` provides: `c.var.auth` (or `c.get('auth')`) is the caller's identity. */
export interface GatehouseEnv {
  Variables: { auth: Identity };
}

/** Options of {@link gatehouse}: the HTTP contract's options, and how to learn the client's address. */
export interface GatehouseHonoOptions extends HttpOptions {
  /**
   * The address of the TCP peer. The default reads it from `@hono/node-server`'s bindings
   * (`c.env.incoming.socket.remoteAddress`); give one for other runtimes, e.g. with
   * `getConnInfo` from your runtime's adapter. Never read it from a header here: `trustProxy`
   * decides about `X-Forwarded-For`.
   */
  clientAddress?: (c: Context) => string | undefined;
}

function nodeServerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** The chunks of a request body, from a reader that nothing cancels (cancelling would reset a Node request's connection). */
function bodyChunks(body: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = body.getReader();
  return { next: () => reader.read() as Promise<IteratorResult<Uint8Array>> };
}

/**
 * The body, up to `limit`. Over it, the rest is read and thrown away before the 413 goes out (see
 * drainBody in @gatehouse/core/http): @hono/node-server gives a body still arriving after the answer half a second,
 * then closes the connection under the client. (Past drainBody's bounds, that is what happens.)
 */
async function requestBody(c: Context, limit: number): Promise<HttpRequestBody | undefined> {
  const method = c.req.method;
  const stream = method === 'GET' || method === 'HEAD' ? null : c.req.raw.body;
  if (stream === null) return undefined;
  const rest = bodyChunks(stream);
  const body = await readBody({ [Symbol.asyncIterator]: () => rest }, limit);
  if (body !== undefined && typeof body === 'object' && 'problem' in body) await drainBody(rest);
  return body;
}

/** Before refusing a request: reads the rest of a body the app has not read (see drainBody in @gatehouse/core/http). */
async function settleBody(c: Context): Promise<void> {
  const stream = c.req.method === 'GET' || c.req.method === 'HEAD' ? null : c.req.raw.body;
  if (stream !== null && !stream.locked && !c.req.raw.bodyUsed) await drainBody(bodyChunks(stream));
}

/** The path below the mount point: the request path less as many segments as the mount pattern has. */
function pathBelowMount(c: Context): { path: string; basePath: string } {
  const pattern = c.req.routePath.replace(/\/\*$/, '');
  const depth = pattern.split('/').filter((segment) => segment.length > 0).length;
  const url = new URL(c.req.url);
  const segments = url.pathname.split('/');
  // segments[0] is the empty string before the leading slash.
  const basePath = segments.slice(0, depth + 1).join('/');
  const path = url.pathname.slice(basePath.length) || '/';
  return { path: `${path}${url.search}`, basePath };
}

/**
 * The Gatehouse routes as a Hono sub-app, for `app.route('/auth', gatehouse(auth))`. Runs on
 * `@hono/node-server` as it is; on other runtimes give `clientAddress`.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuth, memoryStore } from '@gatehouse/core';
 * import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse/hono';
 *
 * const auth = createAuth({ store: memoryStore(), secret: process.env.GATEHOUSE_SECRET ?? 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const app = new Hono<GatehouseEnv>();
 * app.route('/auth', gatehouse(auth));
 * app.get('/orders', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
 * ```
 */
export function gatehouse<P>(auth: Auth<P>, options: GatehouseHonoOptions = {}): Hono {
  const { clientAddress = nodeServerAddress, ...httpOptions } = options;
  if (typeof clientAddress !== 'function') throw new TypeError('gatehouse: clientAddress must be a function (c) => string | undefined.');
  const http = createHttpHandler(auth, httpOptions);
  const app = new Hono();
  app.all('/*', async function gatehouseRoutes(c) {
    const { path, basePath } = pathBelowMount(c);
    const body = await requestBody(c, http.bodyLimit);
    const response = await http.handle({ method: c.req.method, path, headers: c.req.raw.headers, body, ip: clientAddress(c), basePath });
    return toFetchResponse(response);
  });
  return app;
}

/**
 * Middleware that lets a request through only with a valid access token
 * (`Authorization: Bearer`), and sets `c.var.auth` to the caller's identity. Otherwise it
 * answers 401 with `WWW-Authenticate: Bearer` (503 when the store is down).
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { requireAuth, type GatehouseEnv } from '@gatehouse/hono';
 *
 * const app = new Hono<GatehouseEnv>();
 * app.get('/orders', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
 * ```
 */
export function requireAuth<P>(auth: Auth<P>, options?: HttpOptions): MiddlewareHandler<GatehouseEnv> {
  // Shared by every guard over this auth object (and options object): no HTTP handler per call.
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseRequireAuth(c, next) {
    const remembered = authenticator.rememberedIdentity({ headers: c.req.raw.headers });
    if (remembered) {
      c.set('auth', remembered);
      await next();
      return undefined;
    }
    const result = await authenticator.authenticate({ headers: c.req.raw.headers });
    if (!result.ok) {
      await settleBody(c);
      return toFetchResponse(result.response);
    }
    c.set('auth', result.identity);
    await next();
    return undefined;
  };
}
