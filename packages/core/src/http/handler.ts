import type { Auth } from '../create-auth.js';
import { AuthError } from '../errors.js';
import { clientKey } from '../rate-limit/client-key.js';
import { limit } from '../rate-limit/limiter.js';
import { rateLimitReport, type RateLimitReport } from '../rate-limit/report.js';
import { createAuthenticator } from './authenticator.js';
import { parseBody } from './body.js';
import { createEnvelope } from './envelope.js';
import { HttpError } from './http-error.js';
import { resolveClientIp } from './lib/client-ip.js';
import { cookieHeaders, cookieToken } from './lib/cookies.js';
import { bearerToken, checkConfirmation, checkRequiredHeaders, header } from './lib/headers.js';
import { rateLimitHeaders } from './lib/rate-limit-headers.js';
import { mountedLinksProblem } from './lib/mounted-links.js';
import { linkRedirect } from './lib/redirect.js';
import { openApiDocument, routeSchemas } from './openapi.js';
import type { HttpOptions, RouteId } from './options.js';
import { resolveHttpOptions } from './resolve-options.js';
import type { RouteCall, ServedRoute } from './route.js';
import { createRouter } from './router.js';
import { tokensJson } from './serialize.js';
import type { HttpHandler, HttpRequest, HttpResponse } from './types.js';
import type { UserId } from '../ports/store.js';


const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT']);

/**
 * Creates the framework-free HTTP contract over an auth object: adapters turn their request
 * into an {@link HttpRequest}, call `handle`, and write the {@link HttpResponse} back.
 *
 * Each request runs one pipeline: match the route → count the per-IP limit → check headers
 * and origin → read and validate the body → identify the caller → call the route's flow →
 * answer in the envelope (or redirect an emailed link) → add the `RateLimit-*` headers the
 * flow and the pipeline reported.
 *
 * @throws TypeError when an option is invalid, with a message that says how to fix it.
 * @example
 * ```ts
 * import { createAuth, memoryStore } from '@gatehouse-auth/core';
 * import { createHttpHandler } from '@gatehouse-auth/core/http';
 *
 * const auth = createAuth({ store: memoryStore(), secret: 'a-secret-of-at-least-32-bytes-long!!', appUrl: 'https://app.example.com' });
 * const http = createHttpHandler(auth, { casing: 'snake', paths: { getProfile: '/me' } });
 * const response = await http.handle({ method: 'GET', path: '/openapi.json', headers: {} });
 * response.status; // 200
 * ```
 */
export function createHttpHandler<P>(auth: Auth<P, UserId>, options?: HttpOptions): HttpHandler {
  const resolved = resolveHttpOptions(auth, options);
  const ctx = auth.context;
  const envelope = createEnvelope(resolved);
  const authenticator = createAuthenticator(auth, envelope);
  const router = createRouter(resolved.routes);
  const { cookie } = resolved;
  const perIpOn = ctx.config.rateLimits.rules.perIp !== null;
  // Built on first use; only the server URL differs between mount points (e.g. `/tenants/:id/auth`).
  let openapiBase: Record<string, unknown> | undefined;
  const openapi = (basePath: string): Record<string, unknown> => {
    openapiBase ??= openApiDocument(resolved, '');
    return { ...openapiBase, servers: [{ url: basePath === '' ? '/' : basePath }] };
  };
  let reportedMissingAddress = false;
  // Checked once, at the first request: only then is the mount point known.
  let checkedLinks = false;

  /** Counts the per-IP rule, or refuses a request whose limits need an address it does not have. */
  async function countClient(route: ServedRoute, client: string | null, report: RateLimitReport): Promise<void> {
    if (client !== null) {
      await limit(ctx, 'perIp', client, ctx.clock.now(), report);
      return;
    }
    const rules = ctx.config.rateLimits.rules;
    if (!perIpOn && !(route.clientRules ?? []).some((rule) => rules[rule] !== null)) return;
    if (!reportedMissingAddress) {
      reportedMissingAddress = true;
      resolved.logger.error(
        'gatehouse: a request reached the auth routes without a client address, so rate limits cannot apply; it was refused with CLIENT_ADDRESS_UNKNOWN (503). ' +
          'Pass the socket address as `ip` (Hono on runtimes other than Node: the `clientAddress` option; createFetchHandler: `{ ip }` as its second argument).',
      );
    }
    throw new HttpError('CLIENT_ADDRESS_UNKNOWN');
  }

  async function respond(request: HttpRequest, method: string, report: RateLimitReport): Promise<HttpResponse> {
    let route: ServedRoute | null = null;
    let query = new URLSearchParams();
    let refreshFromCookie = false;
    try {
      const matched = router.match(method, request.path);
      if ('allow' in matched) return { status: 204, headers: { allow: matched.allow }, body: null };
      ({ route, query } = matched);
      const ip = resolveClientIp(request.ip, header(request.headers, 'x-forwarded-for'), resolved.trustProxy);
      const meta = { ip, userAgent: header(request.headers, 'user-agent')?.slice(0, 512), rateLimits: report };
      const call: RouteCall = {
        auth: auth as Auth<Record<string, unknown>, UserId>,
        body: {},
        params: matched.params,
        query,
        identity: null,
        cookieToken: undefined,
        bearerToken: undefined,
        meta,
        basePath: request.basePath ?? '',
        accessTokenRefresh: resolved.accessTokenRefresh,
        openapi,
        tokens: (pair) => tokensJson(pair, { includeRefreshToken: cookie === null && pair.refreshToken !== '' }),
      };
      if (route.raw) {
        const outcome = await route.handle(call);
        return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': outcome.cacheControl ?? 'no-cache' }, body: JSON.stringify(outcome.data) };
      }

      await countClient(route, clientKey(ip), report);
      if (!route.link) checkRequiredHeaders(request.headers, resolved.requiredHeaders);
      call.cookieToken = cookieToken(cookie, header(request.headers, 'cookie'), header(request.headers, 'origin'), method);
      const raw = BODY_METHODS.has(method) ? parseBody(request, resolved.bodyLimit) : {};
      // Routes without auth ignore a stale Authorization header (clients often send one
      // everywhere); the refresh route reads it raw, for `accessTokenRefresh`.
      if (route.auth !== 'none') call.identity = (await authenticator.identify(request.headers, route.auth === 'bearer')).identity;
      const bearer = bearerToken(request.headers);
      call.bearerToken = bearer !== null && 'token' in bearer ? bearer.token : undefined;
      call.body = BODY_METHODS.has(method) ? envelope.fromWire(raw, route, request) : {};
      checkConfirmation(route.passwordField, call.body, resolved.passwordConfirmation);
      refreshFromCookie = route.readsRefreshCookie === true && call.body.refreshToken === undefined && call.cookieToken !== undefined;

      const outcome = await route.handle(call);
      const cookies = cookieHeaders(cookie, outcome.tokens, outcome.clearCookie ?? false, ctx.clock.now());
      const redirected = linkRedirect(resolved.linkRedirect, route.link === true, query, null);
      if (redirected) return { ...redirected, headers: { ...redirected.headers, ...cookies } };
      return envelope.success(route, outcome.data, cookies, request);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'RATE_LIMITED') report.refused ??= { retryAfter: error.retryAfter ?? 1, limit: null };
      const redirected = route ? linkRedirect(resolved.linkRedirect, route.link === true, query, error) : null;
      if (redirected) return redirected;
      // A refused refresh token from the cookie is gone for good: remove the cookie.
      const clear = refreshFromCookie && error instanceof AuthError && error.code !== 'SERVICE_UNAVAILABLE' && error.code !== 'RATE_LIMITED';
      return envelope.failure(error, (route?.id as RouteId | undefined) ?? null, clear ? cookieHeaders(cookie, null, true, ctx.clock.now()) : {});
    }
  }

  return {
    async handle(request) {
      if (!checkedLinks) {
        checkedLinks = true;
        const problem = mountedLinksProblem(ctx.config, resolved.routes, request.basePath ?? '');
        if (problem !== null) resolved.logger.warn(problem);
      }
      const method = request.method.toUpperCase();
      const report = rateLimitReport();
      const response = await respond(request, method, report);
      const limits = rateLimitHeaders(report);
      const withLimits = Object.keys(limits).length === 0 ? response : { ...response, headers: { ...response.headers, ...limits } };
      return method === 'HEAD' ? { ...withLimits, body: null } : withLimits;
    },
    serves: (path) => router.serves(path),
    authenticate: (request) => authenticator.authenticate(request),
    rememberedIdentity: (request) => authenticator.rememberedIdentity(request),
    errorResponse: (error) => envelope.failure(error, null),
    reject: (code) => envelope.failure(new HttpError(code), null),
    routes: resolved.routes.map((route) => ({
      id: route.id as RouteId,
      method: route.method,
      path: route.path,
      auth: route.auth,
      summary: route.summary,
      schema: routeSchemas(route, resolved),
    })),
    bodyLimit: resolved.bodyLimit,
    openapi: (basePath = '') => openApiDocument(resolved, basePath),
  };
}
