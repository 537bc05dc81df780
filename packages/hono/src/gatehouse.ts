import type { AppUserId, Auth, Identity, UserId } from '@gatehouse-auth/core';
import { assertAuthArgument, createHttpHandler, drainBody, httpAuthenticator, readBody, toFetchResponse, type Authenticator, type FrameworkCall, type HttpOptions, type HttpRequestBody } from '@gatehouse-auth/core/http';
import { Hono, type Context, type MiddlewareHandler, type Next } from 'hono';

/**
 * The Hono environment `requireAuth` provides: `c.var.auth` (or `c.get('auth')`) is the caller's
 * identity. `Id` is the type of user ids, as `requireAuth(auth)` gives it: `GatehouseEnv<number>`
 * with `userIds: 'integer'`; unnamed, your `AppTypes`' (`string` unless declared).
 */
export interface GatehouseEnv<Id extends UserId = AppUserId> {
  Variables: { auth: Identity<Id> };
}

/**
 * The Hono environment `optionalAuth` provides: `c.var.auth` is the caller's identity, or `null`
 * for an anonymous caller. `Id` as in {@link GatehouseEnv}.
 */
export interface GatehouseOptionalEnv<Id extends UserId = AppUserId> {
  Variables: { auth: Identity<Id> | null };
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

function isContext(value: unknown): boolean {
  const candidate = value as { req?: unknown; json?: unknown } | null | undefined;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.req === 'object' && typeof candidate.json === 'function';
}

// Hono calls a route's handlers only when a request comes: a factory handed to it uncalled
// (`app.get(path, requireAuth, …)`) is found out at the first request.
const HONO_CALL: FrameworkCall = { framework: 'Hono', passes: 'a request context', recognise: isContext };

function assertAuth(factory: string, value: unknown, usage: string): void {
  assertAuthArgument(factory, value, usage, HONO_CALL);
}

const GATEHOUSE_USAGE = "app.route('/auth', gatehouse(auth))";

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
 * drainBody in @gatehouse-auth/core/http): @hono/node-server gives a body still arriving after the answer half a second,
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

/** Before refusing a request: reads the rest of a body the app has not read (see drainBody in @gatehouse-auth/core/http). */
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
 * `@hono/node-server` as it is; on other runtimes give `clientAddress`. Mounted at the root
 * (`app.route('/', …)`), it answers only its own paths and leaves the rest to the app.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { gatehouse, requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
 *
 * const auth = createAuth({ store: memoryStore(), secret: process.env.GATEHOUSE_SECRET ?? 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const app = new Hono<GatehouseEnv>();
 * app.route('/auth', gatehouse(auth));
 * app.get('/orders', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
 * ```
 */
export function gatehouse<P>(auth: Auth<P, UserId>, options: GatehouseHonoOptions = {}): Hono {
  assertAuth('gatehouse', auth, GATEHOUSE_USAGE);
  const { clientAddress = nodeServerAddress, ...httpOptions } = options;
  if (typeof clientAddress !== 'function') throw new TypeError('gatehouse: clientAddress must be a function (c) => string | undefined.');
  const http = createHttpHandler(auth, httpOptions);
  const app = new Hono();
  app.all('/*', async function gatehouseRoutes(c, next) {
    const { path, basePath } = pathBelowMount(c);
    // Mounted at the root (`app.route('/', …)`), Gatehouse answers its own paths only and hands
    // the rest to the app: its later routes and notFound handler. Under a mount path
    // (`app.route('/auth', …)`), everything below it is Gatehouse's, unknown paths answering its 404.
    if (basePath === '' && !http.serves(path)) {
      await next();
      return undefined;
    }
    const body = await requestBody(c, http.bodyLimit);
    const response = await http.handle({ method: c.req.method, path, headers: c.req.raw.headers, body, ip: clientAddress(c), basePath });
    return toFetchResponse(response);
  });
  return app;
}

// `app.route('/auth', gatehouse)` reads the sub-app's routes from the function itself, while
// the app is being declared: say what to write there rather than fail on `undefined.map`.
Object.defineProperty(gatehouse, 'routes', {
  get(): never {
    throw new TypeError(`gatehouse(auth) needs the object createAuth() returned, and was given to app.route() uncalled. Write ${GATEHOUSE_USAGE}, not gatehouse.`);
  },
});

/**
 * Middleware that lets a request through only with a valid access token
 * (`Authorization: Bearer`), and sets `c.var.auth` to the caller's identity. Otherwise it
 * answers 401 with `WWW-Authenticate: Bearer` (503 when the store is down).
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { requireAuth, type GatehouseEnv } from '@gatehouse-auth/hono';
 *
 * const app = new Hono<GatehouseEnv>();
 * app.get('/orders', requireAuth(auth), (c) => c.json({ userId: c.var.auth.userId }));
 * ```
 */
export function requireAuth<P, Id extends UserId>(auth: Auth<P, Id>, options?: HttpOptions): MiddlewareHandler<GatehouseEnv<Id>> {
  assertAuth('requireAuth', auth, 'app.get(path, requireAuth(auth), handler)');
  // Shared by every guard over this auth object (and options object): no HTTP handler per call.
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseRequireAuth(c, next) {
    return identify(authenticator, c, next);
  };
}

/**
 * Middleware for routes that serve both signed-in and anonymous callers: with a valid access
 * token it sets `c.var.auth` as {@link requireAuth} does; without a bearer token the route runs
 * with `c.var.auth` null. An invalid or expired token is refused as `requireAuth` refuses it (401
 * with `WWW-Authenticate: Bearer error="invalid_token"`), so a client learns that its token no
 * longer works instead of being served as a stranger.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { optionalAuth } from '@gatehouse-auth/hono';
 *
 * const app = new Hono();
 * app.get('/products', optionalAuth(auth), (c) => c.json({ signedIn: c.var.auth !== null }));
 * ```
 */
export function optionalAuth<P, Id extends UserId>(auth: Auth<P, Id>, options?: HttpOptions): MiddlewareHandler<GatehouseOptionalEnv<Id>> {
  assertAuth('optionalAuth', auth, 'app.get(path, optionalAuth(auth), handler)');
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseOptionalAuth(c, next) {
    if (!hasBearerToken(c.req.raw.headers.get('authorization'))) {
      c.set('auth', null);
      await next();
      return undefined;
    }
    return identify(authenticator, c, next);
  };
}

/**
 * Whether a request carries bearer credentials at all, read as core reads `Authorization`: no
 * header, a blank one or another scheme (`Basic`) is none; a `Bearer` one, even malformed, is
 * for the authenticator to accept or refuse.
 */
function hasBearerToken(authorization: string | null): boolean {
  return authorization !== null && /^Bearer\b/i.test(authorization);
}

/**
 * Sets `c.var.auth` and goes on, or answers the authenticator's refusal. The middleware that
 * calls it declares the type of `c.var.auth` (its `Id` is the auth object's).
 */
async function identify(authenticator: Authenticator, c: Context, next: Next): Promise<Response | undefined> {
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
}
