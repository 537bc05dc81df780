import type { Auth, Identity } from '@gatehouse/core';
import { createHttpHandler, drainBody, httpAuthenticator, type BodyProblem, type HttpHandler, type HttpOptions, type HttpRequestBody, type HttpResponse } from '@gatehouse/core/http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, set by Gatehouse's `authenticate` preHandler; `null` on routes it does not guard. */
    auth: Identity | null;
  }
  interface FastifyInstance {
    /** preHandler that requires a valid access token and sets `request.auth` (added by the Gatehouse plugin). */
    authenticate: preHandlerAsyncHookHandler;
  }
}

/** Options of the {@link gatehouse} plugin: the auth object, the HTTP contract's options and Fastify's `prefix`. */
export interface GatehouseFastifyOptions extends HttpOptions {
  auth: Auth;
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

function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body ?? undefined);
}

/**
 * Before answering a request whose body is still arriving (over the limit, or refused before it
 * was read): reads the rest first (see drainBody in @gatehouse/core/http). True when the whole body has been read,
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
    scope.setNotFoundHandler({}, handler);

    // Validation is the flows' job (with Gatehouse's own 422 fields); the schemas are for
    // documentation, e.g. @fastify/swagger.
    const noValidation = () => () => true;
    for (const route of http.routes) {
      const schema: Record<string, unknown> = { summary: route.summary, tags: ['auth'], operationId: route.id };
      if (route.schema.body) schema.body = route.schema.body;
      if (route.schema.params) schema.params = route.schema.params;
      scope.route({ method: route.method, url: route.path, schema, validatorCompiler: noValidation, bodyLimit: http.bodyLimit, handler });
    }
    // Trailing slashes, wrong methods and unknown paths below the prefix: Gatehouse answers them.
    const hidden: Record<string, unknown> = { hide: true };
    scope.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/*', schema: hidden, bodyLimit: http.bodyLimit, handler });
  };
}

/**
 * The Gatehouse routes as a Fastify 5 plugin, registered with a prefix. It also adds
 * `fastify.authenticate` (a preHandler for your own routes) and `request.auth`.
 *
 * @throws TypeError when an option is invalid (at registration).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createAuth, memoryStore } from '@gatehouse/core';
 * import { gatehouse } from '@gatehouse/fastify';
 *
 * const auth = createAuth({ store: memoryStore(), secret: process.env.GATEHOUSE_SECRET ?? 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const app = Fastify();
 * await app.register(gatehouse, { auth, prefix: '/auth' });
 * app.get('/orders', { preHandler: app.authenticate }, async (request) => ({ userId: request.auth?.userId }));
 * ```
 */
export const gatehouse: FastifyPluginAsync<GatehouseFastifyOptions> = Object.assign(
  async function gatehousePlugin(fastify: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
    const { auth, prefix, ...httpOptions } = options;
    const http = createHttpHandler(auth, httpOptions);
    if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);
    // Without HTTP options, the guard is the one `requireAuth(auth)` shares.
    const guardOptions = Object.keys(httpOptions).length === 0 ? undefined : httpOptions;
    if (!fastify.hasDecorator('authenticate')) fastify.decorate('authenticate', requireAuth(auth, guardOptions));
    await fastify.register(routesPlugin(http), { prefix: prefix ?? '' });
  },
  // Like fastify-plugin: the decorators reach the app, while the routes keep their own
  // encapsulated scope (error handler, JSON parser, not-found handler).
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@gatehouse/fastify' },
);

/**
 * A preHandler that requires a valid access token (`Authorization: Bearer`) and sets
 * `request.auth`; otherwise it answers 401 with `WWW-Authenticate: Bearer` (503 when the store
 * is down). The plugin adds one as `fastify.authenticate`.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { requireAuth } from '@gatehouse/fastify';
 * app.get('/orders', { preHandler: requireAuth(auth) }, async (request) => ({ userId: request.auth?.userId }));
 * ```
 */
export function requireAuth<P>(auth: Auth<P>, options?: HttpOptions): preHandlerAsyncHookHandler {
  // Shared by every guard over this auth object (and options object): no HTTP handler per call.
  const authenticator = httpAuthenticator(auth, options);
  return async function gatehouseAuthenticate(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const remembered = authenticator.rememberedIdentity({ headers: request.headers });
    if (remembered) {
      request.auth = remembered;
      return;
    }
    const result = await authenticator.authenticate({ headers: request.headers });
    if (result.ok) {
      request.auth = result.identity;
      return;
    }
    // As a preHandler the body has been read; as an onRequest hook it may still be arriving.
    if (!(await settleBody(request))) reply.header('connection', 'close');
    await send(reply, result.response);
  };
}
