import type { AppUserId, Auth, Identity, UserId } from '@gatehouse-auth/core';
import { assertAuthArgument, createHttpHandler, isRequestLike, drainBody, httpAuthenticator, readBody, type Authenticator, type FrameworkCall, type BodyProblem, type HttpOptions, type HttpRequestBody, type HttpResponse } from '@gatehouse-auth/core/http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

declare global {
  // Express reads its request type from this global namespace; `requireAuth` fills `auth`.
  namespace Express {
    interface Request {
      /**
       * Who is calling, set by Gatehouse's `requireAuth` and `optionalAuth` (absent for anonymous
       * callers and on routes they do not guard).
       * Declared once for every app, it types `userId` as your `AppTypes` say: a string unless
       * you declare `userId: number` (for `userIds: 'integer'`).
       */
      auth?: Identity<AppUserId>;
    }
  }
}

/** Options of {@link gatehouse}, {@link requireAuth} and {@link optionalAuth}: the HTTP contract's options. */
export type GatehouseExpressOptions = HttpOptions;

/**
 * What {@link gatehouse} returns, for `app.use(path, …)`: the routes, and an error handler that
 * turns the errors of a body parser the app installed before them (`express.json()`) into
 * Gatehouse's error responses.
 */
export type GatehouseRouter = [RequestHandler, ErrorRequestHandler];

// body-parser's error types, as express.json() and friends report them.
const BODY_ERRORS: Record<string, BodyProblem> = {
  'entity.parse.failed': 'malformed',
  'entity.verify.failed': 'malformed',
  'entity.too.large': 'too_large',
  'request.size.invalid': 'malformed',
  'charset.unsupported': 'unsupported_media_type',
  'encoding.unsupported': 'unsupported_media_type',
};

/**
 * An error the app's body parser raised while reading the stream itself (a corrupt gzip,
 * deflate or br body: zlib's error, passed on with status 400 and no body-parser type).
 */
function bodyStreamError(error: unknown): boolean {
  const { status, code, errno } = (error ?? {}) as { status?: unknown; code?: unknown; errno?: unknown };
  return status === 400 && typeof errno === 'number' && typeof code === 'string' && /^(?:Z_|ERR_)/.test(code);
}

// Express calls a route's handlers only when a request comes: a factory handed to it uncalled
// (`app.get(path, requireAuth, …)`) is found out at the first request.
const EXPRESS_CALL: FrameworkCall = { framework: 'Express', passes: 'a request', recognise: isRequestLike };

function assertAuth(factory: string, value: unknown, usage: string): void {
  assertAuthArgument(factory, value, usage, EXPRESS_CALL);
}

function write(res: Response, response: HttpResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body ?? undefined);
}

/**
 * The body as the app left it: already read by a body parser (`express.json()`), or still to
 * read, up to `limit`; `rest` is what reads the remainder of a body over the limit.
 */
async function requestBody(req: Request, limit: number): Promise<{ body: HttpRequestBody | undefined; rest?: AsyncIterator<unknown> }> {
  const consumed = (req as Request & { _body?: boolean })._body === true || (req.complete && !req.readable);
  if (consumed) return { body: { parsed: req.body as unknown } };
  const rest = req[Symbol.asyncIterator]();
  return { body: await readBody({ [Symbol.asyncIterator]: () => rest }, limit), rest };
}

/**
 * Before answering a request whose body is still arriving (over the limit, or refused before it
 * was read): reads the rest first (see drainBody in @gatehouse-auth/core/http), or says `Connection: close` when it stops
 * short. `rest` is the reader already started on the body, if any.
 */
async function settleBody(req: Request, res: Response, rest?: AsyncIterator<unknown>): Promise<void> {
  if (req.complete || req.httpVersionMajor >= 2) return;
  if (!(await drainBody(rest ?? req[Symbol.asyncIterator]()))) res.setHeader('connection', 'close');
}

/**
 * The Gatehouse routes for an Express 4 or 5 app, to mount under a path of your choice. Works
 * whether or not the app installed `express.json()` before it. Mounted with no path
 * (`app.use(gatehouse(auth))`), it answers only its own paths and calls `next()` for the rest.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import express from 'express';
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { gatehouse, requireAuth } from '@gatehouse-auth/express';
 *
 * const auth = createAuth({ store: memoryStore(), secret: process.env.GATEHOUSE_SECRET ?? 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const app = express();
 * app.use('/auth', gatehouse(auth));
 * app.get('/orders', requireAuth(auth), (req, res) => {
 *   res.json({ userId: req.auth?.userId });
 * });
 * ```
 */
export function gatehouse<P>(auth: Auth<P, UserId>, options?: GatehouseExpressOptions): GatehouseRouter {
  assertAuth('gatehouse', auth, "app.use('/auth', gatehouse(auth))");
  const http = createHttpHandler(auth, options);

  async function answer(req: Request, res: Response, body: HttpRequestBody | undefined, ip: string | undefined, rest?: AsyncIterator<unknown>): Promise<void> {
    const response = await http.handle({ method: req.method, path: req.url, headers: req.headers, body, ip, basePath: req.baseUrl });
    await settleBody(req, res, rest);
    write(res, response);
  }

  // Mounted with no path (`app.use(gatehouse(auth))`), Gatehouse answers its own paths only and
  // hands the rest to the app: its later routes, body errors and 404. Under a mount path
  // (`app.use('/auth', …)`), everything below it is Gatehouse's, unknown paths answering its 404.
  const notOurs = (req: Request): boolean => req.baseUrl === '' && !http.serves(req.url);

  function gatehouseRoutes(req: Request, res: Response, next: NextFunction): void {
    if (notOurs(req)) {
      next();
      return;
    }
    const ip = req.socket.remoteAddress;
    requestBody(req, http.bodyLimit)
      .then(({ body, rest }) => answer(req, res, body, ip, rest))
      .catch(next);
  }

  function gatehouseBodyErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
    const type = (error as { type?: unknown } | null)?.type;
    const problem = typeof type === 'string' ? BODY_ERRORS[type] : bodyStreamError(error) ? 'malformed' : undefined;
    if (problem === undefined || notOurs(req)) {
      next(error);
      return;
    }
    answer(req, res, { problem }, req.socket?.remoteAddress).catch(next);
  }

  return [gatehouseRoutes, gatehouseBodyErrors];
}

/**
 * Middleware that lets a request through only with a valid access token
 * (`Authorization: Bearer`), and sets `req.auth` to the caller's identity. Otherwise it answers
 * 401 with `WWW-Authenticate: Bearer` (503 when the store is down).
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { requireAuth } from '@gatehouse-auth/express';
 * app.get('/me/orders', requireAuth(auth), (req, res) => {
 *   res.json({ userId: req.auth?.userId });
 * });
 * ```
 */
export function requireAuth<P>(auth: Auth<P, AppUserId>, options?: GatehouseExpressOptions): RequestHandler {
  assertAuth('requireAuth', auth, 'app.get(path, requireAuth(auth), handler)');
  // Shared by every guard over this auth object (and options object): no HTTP handler per call.
  const authenticator = httpAuthenticator(auth, options);
  return function gatehouseRequireAuth(req: Request, res: Response, next: NextFunction): void {
    identify(authenticator, req, res, next);
  };
}

/**
 * Middleware for routes that serve both signed-in and anonymous callers: with a valid access
 * token it sets `req.auth` as {@link requireAuth} does; without a bearer token the route runs and
 * `req.auth` stays unset. An invalid or expired token is refused as `requireAuth` refuses it (401
 * with `WWW-Authenticate: Bearer error="invalid_token"`), so a client learns that its token no
 * longer works instead of being served as a stranger.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { optionalAuth } from '@gatehouse-auth/express';
 * app.get('/products', optionalAuth(auth), (req, res) => {
 *   res.json({ signedIn: req.auth !== undefined });
 * });
 * ```
 */
export function optionalAuth<P>(auth: Auth<P, AppUserId>, options?: GatehouseExpressOptions): RequestHandler {
  assertAuth('optionalAuth', auth, 'app.get(path, optionalAuth(auth), handler)');
  const authenticator = httpAuthenticator(auth, options);
  return function gatehouseOptionalAuth(req: Request, res: Response, next: NextFunction): void {
    if (!hasBearerToken(req.headers.authorization)) {
      next();
      return;
    }
    identify(authenticator, req, res, next);
  };
}

/**
 * Whether a request carries bearer credentials at all, read as core reads `Authorization`: no
 * header, a blank one or another scheme (`Basic`) is none; a `Bearer` one, even malformed, is
 * for the authenticator to accept or refuse.
 */
function hasBearerToken(authorization: string | undefined): boolean {
  return authorization !== undefined && /^Bearer\b/i.test(authorization);
}

/**
 * Sets `req.auth` and goes on, or answers the authenticator's refusal. The authenticator is of an
 * auth whose ids are the app's (`requireAuth` and `optionalAuth` take only such an auth).
 */
function identify(authenticator: Authenticator, req: Request, res: Response, next: NextFunction): void {
  const remembered = authenticator.rememberedIdentity({ headers: req.headers });
  if (remembered) {
    req.auth = remembered as Identity<AppUserId>;
    next();
    return;
  }
  authenticator
    .authenticate({ headers: req.headers })
    .then(async (result) => {
      if (result.ok) {
        req.auth = result.identity as Identity<AppUserId>;
        next();
        return;
      }
      await settleBody(req, res);
      write(res, result.response);
    })
    .catch(next);
}
