// @gatehouse-auth/core/http: the framework-free HTTP contract that every adapter maps. For adapter
// authors and for apps on a Fetch API runtime; Express, Fastify and Hono apps use
// @gatehouse-auth/express, @gatehouse-auth/fastify or @gatehouse-auth/hono instead.
export { createHttpHandler } from './handler.js';
export { httpAuthenticator } from './authenticator.js';
export type { AuthenticateResult, Authenticator } from './authenticator.js';
export { createFetchHandler, toFetchResponse } from './fetch-handler.js';
export type { FetchConnectionInfo, FetchHandlerOptions } from './fetch-handler.js';
export { readBody } from './read-body.js';
export { drainBody } from './drain-body.js';
export { HTTP_STATUS_BY_CODE } from './errors.js';
export type { HttpErrorCode, HttpErrorDetails } from './errors.js';
export { DEFAULT_PATHS } from './options.js';
export type {
  HeaderCheck,
  HttpOptions,
  HttpSuccess,
  LinkRedirectOptions,
  RefreshCookieOptions,
  RequestMapContext,
  ResponseMapContext,
  RouteData,
  RouteId,
  RouteOptions,
  RoutesOptions,
} from './options.js';
export { DEFAULT_BODY_LIMIT } from './resolve-options.js';
export { NEEDS_AUTH, assertAuthArgument, describeValue, isGatehouseAuth, isRequestLike, type FrameworkCall } from './lib/auth-argument.js';
export type { HttpMethod, RouteAuth } from './route.js';
export type { SessionJson, TokensJson, UserJson } from './serialize.js';
export type { BodyProblem, HttpHandler, HttpHeaders, HttpRequest, HttpRequestBody, HttpResponse, ResolvedRoute } from './types.js';
