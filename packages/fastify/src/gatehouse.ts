import type { AppUserId, Auth, Identity, UserId } from '@gatehouse-auth/core';
import { NEEDS_AUTH, assertAuthArgument, createHttpHandler, isRequestLike, describeValue, isGatehouseAuth, drainBody, httpAuthenticator, type Authenticator, type FrameworkCall, type BodyProblem, type HttpHandler, type HttpOptions, type HttpRequestBody, type HttpResponse } from '@gatehouse-auth/core/http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Who is calling, set by Gatehouse's `requireAuth` and `optionalAuth`; `null` for anonymous
     * callers of `optionalAuth` and on routes they do not guard. Declared once for every app, it
     * types `userId` as your `AppTypes` say: a string unless you declare `userId: number` (for
     * `userIds: 'integer'`).
     */
    auth: Identity<AppUserId> | null;
  }
}

/** Options of the {@link gatehouse} plugin: the auth object, the HTTP contract's options and Fastify's `prefix`. */
export interface GatehouseFastifyOptions extends HttpOptions {
  /** The auth object; its user ids are your `AppTypes`' (string unless declared), as `request.auth` says. */
  auth: Auth<Record<string, unknown>, AppUserId>;
  /** Where the routes live, e.g. `/auth` (Fastify's own register option). */
  prefix?: string;
}

// Fastify's own body errors, answered in Gatehouse's envelope instead.
const BODY_ERRORS: Record<string, BodyProblem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

// A request where `auth` belongs: the factory itself was given as a hook (`{ preHandler:
// requireAuth }`) on a route declared before the plugin loaded, which its onRoute check could not see.
const FASTIFY_CALL: FrameworkCall = { framework: 'Fastify', passes: 'a request', recognise: isRequestLike };

type GuardFactory = 'requireAuth' | 'optionalAuth';

function assertGuardAuth(factory: GuardFactory, value: unknown): void {
  assertAuthArgument(factory, value, `{ preHandler: ${factory}(auth) }`, FASTIFY_CALL);
}

// The hooks a guard can run in: before the handler, with the request's headers.
const GUARD_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

/**
 * An onRoute hook: refuses a route whose hooks name `requireAuth` or `optionalAuth` uncalled, at
 * declaration rather than at its first request.
 *
 * @throws TypeError saying what to write instead.
 */
function refuseUncalledGuards(route: RouteOptions): void {
  for (const hook of GUARD_HOOKS) {
    const handlers: unknown = route[hook];
    for (const handler of Array.isArray(handlers) ? (handlers as unknown[]) : [handlers]) {
      const factory: GuardFactory | null = handler === requireAuth ? 'requireAuth' : handler === optionalAuth ? 'optionalAuth' : null;
      if (factory === null) continue;
      const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
      throw new TypeError(`${method} ${route.url}: ${factory}(auth) ${NEEDS_AUTH}, and ${hook} is ${factory} itself, uncalled. Write { ${hook}: ${factory}(auth) }, not ${factory}.`);
    }
  }
}

/** @throws TypeError always: `app.authenticate` is no Gatehouse guard. */
function noAuthenticateDecorator(): never {
  throw new TypeError(
    '@gatehouse-auth/fastify adds no app.authenticate: it would be undefined on routes declared before the plugin finished loading, leaving them open. Write { preHandler: requireAuth(auth) }, with requireAuth from @gatehouse-auth/fastify.',
  );
}

function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body ?? undefined);
}

/**
 * Before answering a request whose body is still arriving (over the limit, or refused before it
 * was read): reads the rest first (see drainBody in @gatehouse-auth/core/http). True when the whole body has been read,
 * so the connection can be reused.
 */
async function settleBody(request: FastifyRequest): Promise<boolean> {
  const raw = request.raw;
  if (raw.complete || raw.httpVersionMajor >= 2) return true;
  return drainBody(raw[Symbol.asyncIterator]());
}

function pathBelow(prefix: string, url: string): string {
  return url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;
}

// The methods Gatehouse answers on paths it has no route for with that method: 405 with Allow, or 204 to OPTIONS.
const ANSWERED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function routesPlugin(http: HttpHandler): FastifyPluginAsync {
  return async function gatehouseRoutes(scope: FastifyInstance): Promise<void> {
    const prefix = scope.prefix;
    // Fastify parses JSON here as everywhere, except that an empty body is no body (a POST to
    // /logout need not send one), and prototype-poisoning keys are refused.
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: http.bodyLimit }, (request, body, done) => {
      if (body === '') done(null, undefined);
      else parseJson(request, body as string, done);
    });

    async function answer(request: FastifyRequest, reply: FastifyReply, body: HttpRequestBody | undefined): Promise<FastifyReply> {
      // With no prefix, a spelling Fastify routed here and Gatehouse's router does not take
      // (`/%6Cogin`) is the app's to answer, with its not-found handler.
      if (prefix === '' && !http.serves(request.url)) {
        reply.callNotFound();
        return reply;
      }
      const response = await http.handle({
        method: request.method,
        path: pathBelow(prefix, request.url),
        headers: request.headers,
        body,
        ip: request.raw.socket.remoteAddress,
        basePath: prefix,
      });
      return send(reply, response);
    }

    function handler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      return answer(request, reply, request.body === undefined ? undefined : { parsed: request.body });
    }

    scope.setErrorHandler(async function gatehouseErrors(error, request, reply) {
      const code = (error as { code?: unknown }).code;
      const problem = typeof code === 'string' ? BODY_ERRORS[code] : undefined;
      if (problem !== undefined) {
        // Fastify stops reading a body over the limit and asks for `Connection: close`; answering
        // and closing while the client still writes would reset the connection under the answer.
        // Once the rest is read, the connection is as good as any.
        if (await settleBody(request)) reply.removeHeader('connection');
        return answer(request, reply, { problem });
      }
      return send(reply, http.errorResponse(error));
    });
    // Validation is the flows' job (with Gatehouse's own 422 fields); the schemas are for
    // documentation, e.g. @fastify/swagger.
    const noValidation = () => () => true;
    for (const route of http.routes) {
      const schema: Record<string, unknown> = { summary: route.summary, tags: ['auth'], operationId: route.id };
      if (route.schema.body) schema.body = route.schema.body;
      if (route.schema.params) schema.params = route.schema.params;
      scope.route({ method: route.method, url: route.path, schema, validatorCompiler: noValidation, bodyLimit: http.bodyLimit, handler });
    }
    const hidden: Record<string, unknown> = { hide: true };
    if (prefix !== '') {
      // Trailing slashes, wrong methods and unknown paths below the prefix: Gatehouse answers them.
      scope.setNotFoundHandler({}, handler);
      scope.route({ method: ANSWERED_METHODS, url: '/*', schema: hidden, bodyLimit: http.bodyLimit, handler });
      return;
    }
    // With no prefix, Gatehouse claims its own paths only: the app keeps every other path, its
    // not-found handler and its own wildcard routes (@fastify/static's `/*`). Gatehouse still
    // answers the other methods on its paths (405 with Allow, OPTIONS) and a trailing slash.
    // An app with `ignoreTrailingSlash` has the trailing-slash variants already (Fastify 5 reads it
    // from `routerOptions`, or from the top level as before).
    const { routerOptions, ignoreTrailingSlash } = scope.initialConfig;
    const slashesIgnored = (routerOptions?.ignoreTrailingSlash ?? ignoreTrailingSlash) === true;
    const served = new Map<string, Set<string>>();
    for (const route of http.routes) served.set(route.path, (served.get(route.path) ?? new Set()).add(route.method));
    for (const [path, methods] of served) {
      const others = ANSWERED_METHODS.filter((method) => !methods.has(method));
      if (others.length > 0) scope.route({ method: others, url: path, schema: hidden, bodyLimit: http.bodyLimit, handler });
      if (!slashesIgnored) scope.route({ method: ANSWERED_METHODS, url: `${path}/`, schema: hidden, bodyLimit: http.bodyLimit, handler });
    }
  };
}

/**
 * The Gatehouse routes as a Fastify 5 plugin, registered with a prefix (without one, it claims
 * its own paths only and leaves the not-found handler to the app). It also declares
 * `request.auth`, which {@link requireAuth} and {@link optionalAuth} set on your own routes, and
 * refuses routes declared after it that give those guards uncalled (`{ preHandler: requireAuth }`).
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid (at registration).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { gatehouse, requireAuth } from '@gatehouse-auth/fastify';
 *
 * const auth = createAuth({ store: memoryStore(), secret: process.env.GATEHOUSE_SECRET ?? 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const app = Fastify();
 * await app.register(gatehouse, { auth, prefix: '/auth' });
 * app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => ({ userId: request.auth?.userId }));
 * ```
 */
export const gatehouse: FastifyPluginAsync<GatehouseFastifyOptions> = Object.assign(
  async function gatehousePlugin(fastify: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
    const { auth, prefix, ...httpOptions } = options;
    if (!isGatehouseAuth(auth)) {
      throw new TypeError(`The gatehouse plugin's auth option ${NEEDS_AUTH}, and got ${describeValue(auth)}. Write app.register(gatehouse, { auth, prefix: '/auth' }).`);
    }
    const http = createHttpHandler(auth, httpOptions);
    if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);
    // No `fastify.authenticate` guard: it would exist only once this plugin has loaded, so a
    // route declared after an un-awaited register() would get `preHandler: undefined`, which
    // Fastify accepts, and be open. requireAuth(auth) needs no plugin. Code still reading
    // `app.authenticate` (with a cast, or from JavaScript) is told so rather than handed a guard
    // that works only sometimes; an app that decorated its own `authenticate` keeps it.
    if (!fastify.hasDecorator('authenticate')) fastify.decorate('authenticate', { getter: noAuthenticateDecorator });
    fastify.addHook('onRoute', refuseUncalledGuards);
    await fastify.register(routesPlugin(http), { prefix: prefix ?? '' });
  },
  // Like fastify-plugin: the request decorator and the onRoute check reach the app, while the
  // routes keep their own encapsulated scope (error handler, JSON parser, not-found handler).
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@gatehouse-auth/fastify' },
);

/**
 * A preHandler that requires a valid access token (`Authorization: Bearer`) and sets
 * `request.auth`; otherwise it answers 401 with `WWW-Authenticate: Bearer` (503 when the store
 * is down). Needs no plugin: it guards a route even when the plugin is registered without
 * `await` or not at all.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { requireAuth } from '@gatehouse-auth/fastify';
 * app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => ({ userId: request.auth?.userId }));
 * ```
 */
export function requireAuth<P>(auth: Auth<P, AppUserId>, options?: HttpOptions): preHandlerAsyncHookHandler {
  assertGuardAuth('requireAuth', auth);
  // Shared by every guard over this auth object (and options object): no HTTP handler per call.
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseRequireAuth(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await identify(authenticator, request, reply);
  };
}

/**
 * A preHandler for routes that serve both signed-in and anonymous callers: with a valid access
 * token it sets `request.auth` as {@link requireAuth} does; without a bearer token the route runs
 * with `request.auth` null. An invalid or expired token is refused as `requireAuth` refuses it
 * (401 with `WWW-Authenticate: Bearer error="invalid_token"`), so a client learns that its token
 * no longer works instead of being served as a stranger.
 *
 * @throws TypeError when `auth` is not what createAuth() returned, or an option is invalid.
 * @example
 * ```ts
 * import { optionalAuth } from '@gatehouse-auth/fastify';
 * app.get('/products', { preHandler: optionalAuth(auth) }, async (request) => ({ signedIn: request.auth !== null }));
 * ```
 */
export function optionalAuth<P>(auth: Auth<P, AppUserId>, options?: HttpOptions): preHandlerAsyncHookHandler {
  assertGuardAuth('optionalAuth', auth);
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseOptionalAuth(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!hasBearerToken(request.headers.authorization)) {
      // Set even without the plugin's request decorator, so `null` means anonymous everywhere.
      request.auth = null;
      return;
    }
    await identify(authenticator, request, reply);
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
 * Sets `request.auth`, or answers the authenticator's refusal. The authenticator is of an auth
 * whose ids are the app's (`requireAuth`, `optionalAuth` and the plugin take only such an auth).
 */
async function identify(authenticator: Authenticator, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const remembered = authenticator.rememberedIdentity({ headers: request.headers });
  if (remembered) {
    request.auth = remembered as Identity<AppUserId>;
    return;
  }
  const result = await authenticator.authenticate({ headers: request.headers });
  if (result.ok) {
    request.auth = result.identity as Identity<AppUserId>;
    return;
  }
  // As a preHandler the body has been read; as an onRequest hook it may still be arriving.
  if (!(await settleBody(request))) reply.header('connection', 'close');
  await send(reply, result.response);
}
