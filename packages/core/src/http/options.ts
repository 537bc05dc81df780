import type { Logger } from '../ports/logger.js';
import type { HttpErrorCode, HttpErrorDetails } from './errors.js';
import type { Casing } from './lib/casing.js';
import type { RouteDeclaration } from './route.js';
import { ROUTES, type DeclaredRoute } from './routes.js';

/** The name of every route of the HTTP contract; `paths` and `routes` are keyed by it. */
export type RouteId = DeclaredRoute['id'];

/**
 * The default path of each route, below the mount point, from the route table. `verifyEmailLink`
 * and `confirmEmailChangeLink` follow their POST route and `replaceProfile` follows
 * `updateProfile` unless given a path of their own.
 */
export const DEFAULT_PATHS: Readonly<Record<RouteId, string>> = Object.fromEntries(ROUTES.map((route) => [route.id, route.path])) as Record<RouteId, string>;

/** What a request mapper is told besides the body. */
export interface RequestMapContext {
  route: RouteId;
  /** A request header by (case-insensitive) name. */
  header(name: string): string | undefined;
}

/** What a response mapper is told besides the data. */
export interface ResponseMapContext {
  route: RouteId;
  /** The route's success status, e.g. `201` for `register`. */
  status: number;
  /** The route's success message (`routes.<id>.message` or the default). */
  message: string;
  /** A request header by (case-insensitive) name, e.g. the `channel` a client sent. */
  header(name: string): string | undefined;
}

/**
 * Per-route changes to the wire format. Mappers see and return camelCase field names (the
 * `casing` option converts what they return) and dates as ISO strings.
 */
export interface RouteOptions<Data> {
  /**
   * Field aliases, `{ camelCaseName: 'nameOnTheWire' }`: the body's `nameOnTheWire` is read as
   * `camelCaseName`, and field errors name it back as `nameOnTheWire`. E.g.
   * `{ refreshToken: 'refresh' }` or `{ passwordConfirmation: 're_password' }`.
   */
  fields?: Record<string, string>;
  /** Rewrites the body (after aliases and casing) before it is validated. */
  request?: (body: Record<string, unknown>, context: RequestMapContext) => Record<string, unknown>;
  /** Rewrites the data before `casing` and `formatSuccess`; return `null` for "message only". */
  response?: (data: Data, context: ResponseMapContext) => unknown;
  /** The success message handed to `formatSuccess` (and sent by default when there is no data). */
  message?: string;
  /** The success status (default 200, `register` 201). */
  status?: number;
}

/** The data a declared route answers with (its handler's `data`). */
type DataOf<R> = R extends RouteDeclaration<string, infer Data> ? Data : never;

/** The data each route answers with, before mappers, casing and the envelope, keyed by route id (standard documents left out). */
export type RouteData = { [R in DeclaredRoute as R extends { raw: true } ? never : R['id']]: DataOf<R> };

/** Options for each route that answers JSON data (`jwks` and `openapi` serve standard documents as they are). */
export type RoutesOptions = { [K in keyof RouteData]?: RouteOptions<RouteData[K]> };

/** A success as `formatSuccess` receives it. */
export interface HttpSuccess {
  route: RouteId;
  status: number;
  /** The route's data after its mapper and `casing`; `null` for routes that only say something happened. */
  data: unknown;
  message: string;
}

/** The refresh token in a cookie instead of the JSON body, for browser apps. */
export interface RefreshCookieOptions {
  /** Cookie name; must start with `__Host-` (default `__Host-gatehouse-refresh`). */
  name?: string;
  /**
   * Origins allowed to make state-changing requests that carry the cookie (default: the
   * origin of the config's `appUrl`). A request without a matching `Origin` header is refused.
   */
  allowedOrigins?: string[];
}

/** Where the emailed-link routes (`GET /verify-email/:token`, …) send the browser, instead of answering JSON. */
export interface LinkRedirectOptions {
  /** Where to go on success: a path under `appUrl` or an absolute URL of an allowed origin. */
  success: string;
  /** Where to go on failure (default: `success`); `?error=<CODE>` is added. */
  failure?: string;
  /**
   * Origins a redirect may go to (default: the origin of `appUrl`). A `?redirect=` parameter on
   * the link is followed only when it resolves to one of them; anything else (`//evil.example`,
   * `/\evil.example`, `javascript:`) falls back to `success`/`failure`.
   */
  allowedOrigins?: string[];
}

/** The header check of a required header: an exact value, one of several values, or a predicate. */
export type HeaderCheck = string | readonly string[] | ((value: string) => boolean);

/** Options of the HTTP contract, shared by every adapter. Every option is optional. */
export interface HttpOptions {
  /**
   * New paths for routes, below the mount point (`{ getProfile: '/me' }`), with a method when it
   * changes too (`{ changePassword: 'PATCH /change-password' }`), or `false` to leave a route out.
   */
  paths?: Partial<Record<RouteId, string | false>>;
  /** Field names on the wire: `camel` (default, `firstName`) or `snake` (`first_name`). */
  casing?: Casing;
  /** Per-route aliases, mappers, messages and statuses. */
  routes?: RoutesOptions;
  /**
   * Require a confirmation of every new password (`passwordConfirmation`,
   * `newPasswordConfirmation`) that must equal it (default `false`; a confirmation sent anyway
   * is still checked).
   */
  passwordConfirmation?: boolean;
  /**
   * Headers every route but the emailed links, `jwks` and `openapi` requires, e.g.
   * `{ 'api-token': process.env.API_TOKEN, channel: ['web', 'ios'] }`: a value (compared in
   * constant time, so a secret such as an API token cannot be guessed byte by byte from
   * response times), a list of allowed values, or a function. A missing or wrong one answers
   * `HEADER_REQUIRED`. The request and response mappers read any header with `header(name)`.
   */
  requiredHeaders?: Record<string, HeaderCheck>;
  /** Builds a success body (default `{ data }`, or `{ data: { message } }` when the data is `null`). */
  formatSuccess?: (success: HttpSuccess) => unknown;
  /** Builds an error body (default `{ error: { code, message, fields?, retryAfter? } }`). */
  formatError?: (error: HttpErrorDetails, context: { route: RouteId | null }) => unknown;
  /** Changes to the code → status table, e.g. `{ VALIDATION_FAILED: 400 }`. */
  statuses?: Partial<Record<HttpErrorCode, number>>;
  /**
   * The error messages of your API, by code (`{ INVALID_CREDENTIALS: 'Invalid credentials' }`)
   * or by status (`{ 429: 'Too many requests' }`); a code's entry wins over its status's. They
   * replace the messages Gatehouse would send, so a contract's own words need no `formatError`.
   */
  messages?: Partial<Record<HttpErrorCode, string>> & { [status: number]: string };
  /** Largest request body in bytes (default 16 KiB). */
  bodyLimit?: number;
  /**
   * Proxies whose `X-Forwarded-For` is believed: addresses or CIDR blocks. Without it the
   * client address is the socket's; with it, the right-most hop that is not a listed proxy.
   */
  trustProxy?: readonly string[];
  /** Send the refresh token as a `__Host-` cookie instead of in the JSON body (default: off, bearer only). */
  refreshCookie?: boolean | RefreshCookieOptions;
  /** Redirect the emailed-link routes to the app instead of answering JSON. */
  linkRedirect?: LinkRedirectOptions;
  /**
   * Also accept a still-valid access token as `Authorization: Bearer` on the refresh route and
   * answer a new access token for the same session (for clients that keep one token only).
   * The session's lifetimes still apply. Default `false`.
   */
  accessTokenRefresh?: boolean;
  /** Where unexpected errors are logged (default: the auth object's logger). */
  logger?: Logger;
  /** Title and version of the OpenAPI document. */
  openapi?: { title?: string; version?: string; description?: string };
}
